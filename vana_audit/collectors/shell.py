"""Shell scripts as simple commands: what a `run:` block, a recipe line or an npm script runs.

Never executes anything. A script is split at newlines, `;`, `&&`, `||`, `|`, `&` and subshell
parentheses (quotes, `$(...)`, backticks and `${{ ... }}` respected), each piece is tokenised with
`shlex` in POSIX mode (a plain whitespace split when its quotes do not balance), leading `VAR=value`
assignments are taken off, and GitHub expressions stay one opaque token, replaced by a job or
workflow `env:` value when that value is a literal. Bounded: a hostile repository may hand over a
megabyte one-liner or a script of ten thousand commands.
"""
from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

MAX_SCRIPT_CHARS = 64_000
MAX_COMMANDS = 400
MAX_TOKENS = 200  # per command

# Words that open or close shell syntax rather than run something.
_KEYWORDS_LEADING = {"then", "do", "else", "{", "!", "time", "elif", "if", "while", "until", "exec", "command",
                     "builtin", "nohup"}
_CONDITION = {"if", "elif", "while", "until"}
_CLOSING = {"fi", "done", "esac", "}", "then", "do", "else", ";;"}
# Commands that only set shell state or print; they are not invocations of anything.
NOISE = {"echo", "printf", "exit", "true", "false", ":", "cd", "export", "set", "unset", "shift", "local",
         "return", "pushd", "popd", "[", "[[", "test", "sleep", "wait", "source", ".", "declare", "readonly",
         "trap", "umask", "alias", "eval", "read", "case", "for", "function", "break", "continue", "fi", "done",
         "esac", "}", "then", "do", "else"}
# What may follow `||` and keep the command before it from failing the job.
_NEUTRAL = {"true", ":", "echo", "printf"}

_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_GH_EXPR = re.compile(r"\$\{\{(.{0,400}?)\}\}", re.S)
_GH_ENV_REF = re.compile(r"^\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*$")
_GH_INPUT_REF = re.compile(r"^\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*$")
_SH_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_HEREDOC = re.compile(r"<<(-?)\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?")
_PLACEHOLDER = re.compile("\x01(\\d+)\x01")


@dataclass(frozen=True)
class Command:
    """One simple command of a script."""

    argv: tuple[str, ...]
    line: int  # 1-based line within the script where the command starts
    can_fail: bool = True  # False under `|| true`, `set +e`, as an `if` condition ...
    text: str = ""  # the command as written, for chains
    assigns: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # leading VAR=value


def literal(value: object) -> str | None:
    """An env value usable in place of its reference: a string or number without expressions."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and "${{" not in value and "$" not in value and len(value) <= 400:
        return value
    return None


def _segments(script: str) -> list[tuple[str, int, str]]:
    """(text, line, operator after it) for each simple command; quotes and substitutions respected."""
    out: list[tuple[str, int, str]] = []
    buf: list[str] = []
    line, start_line = 1, 1
    i, n = 0, len(script)
    depth_sub = 0  # inside $( ... ) or ` ... `
    in_backtick = False

    def flush(op: str) -> None:
        nonlocal buf, start_line
        text = "".join(buf).strip()
        if text or op in ("||", "&&"):
            out.append((text, start_line, op))
        buf = []
        start_line = line

    while i < n:
        c = script[i]
        if c == "\\" and i + 1 < n:
            if script[i + 1] == "\n":  # line continuation
                line += 1
                i += 2
                buf.append(" ")
                continue
            buf.append(script[i:i + 2])
            i += 2
            continue
        if c == "'" and not in_backtick:
            end = script.find("'", i + 1)
            if end < 0:
                buf.append(script[i:])
                break
            line += script.count("\n", i, end)
            buf.append(script[i:end + 1])
            i = end + 1
            continue
        if c == '"':
            j = i + 1
            while j < n and script[j] != '"':
                j += 2 if script[j] == "\\" else 1
            line += script.count("\n", i, min(j, n))
            buf.append(script[i:j + 1])
            i = j + 1
            continue
        if script.startswith("${{", i):
            end = script.find("}}", i + 3)
            end = n if end < 0 else end + 2
            buf.append(script[i:end])
            i = end
            continue
        if script.startswith("$(", i):
            depth_sub += 1
            buf.append("$(")
            i += 2
            continue
        if c == "`":
            in_backtick = not in_backtick
            buf.append(c)
            i += 1
            continue
        if depth_sub or in_backtick:
            if c == "(":
                depth_sub += 1
            elif c == ")":
                depth_sub -= 1
            elif c == "\n":
                line += 1
            buf.append(c)
            i += 1
            continue
        if c == "#" and (not buf or buf[-1][-1:].isspace()):
            end = script.find("\n", i)
            i = n if end < 0 else end
            continue
        if c == "\n":
            joined = "".join(buf)
            heredoc = _HEREDOC.search(joined) if "<<" in joined else None
            flush(";")
            line += 1
            i += 1
            if heredoc:  # the body is data, not commands: skip to the delimiter line
                delimiter, dash = heredoc.group(2), heredoc.group(1)
                while i < n:
                    end = script.find("\n", i)
                    end = n if end < 0 else end
                    body = script[i:end]
                    i, line = end + 1, line + 1
                    if (body.strip() if dash else body.rstrip("\r")) == delimiter:
                        break
            start_line = line
            continue
        two = script[i:i + 2]
        if two in ("&&", "||"):
            flush(two)
            i += 2
            continue
        if two == ";;":
            flush(";")
            i += 2
            continue
        if c == "(" and buf and buf[-1].endswith("="):  # an array literal: `a=(x y)`
            end = script.find(")", i)
            end = n if end < 0 else end + 1
            line += script.count("\n", i, end)
            buf.append(script[i:end].replace("\n", " "))
            i = end
            continue
        if c in ";|&()":
            if c == "&" and buf and buf[-1].endswith((">", "<")):  # 2>&1, &> redirection
                buf.append(c)
                i += 1
                continue
            if c == "|" and buf and buf[-1].endswith(">"):  # >| redirection
                buf.append(c)
                i += 1
                continue
            flush("|" if c == "|" else ";")
            i += 1
            continue
        buf.append(c)
        i += 1
        if len(out) > MAX_COMMANDS * 2:
            break
    flush(";")
    return out


def _hide_substitutions(text: str, exprs: list[str]) -> str:
    """`$(...)` and backquoted commands as one opaque token each (their insides are not commands
    this job is judged by, and their spaces must not split a word)."""
    if "$(" not in text and "`" not in text:
        return text
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("$(", i) or text[i] == "`":
            closing = ")" if text[i] == "$" else "`"
            j, depth = i + (2 if closing == ")" else 1), 1
            while j < n and depth:
                if closing == ")" and text[j] == "(":
                    depth += 1
                elif text[j] == closing:
                    depth -= 1
                j += 1
            exprs.append(text[i:j])
            out.append(f"\x01{len(exprs) - 1}\x01")
            i = j
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _restore(text: str, exprs: list[str]) -> str:
    """A hidden piece with the pieces hidden inside it put back (`$(cmd ${{ x }})` holds a GitHub expression)."""
    for _ in range(4):
        if "\x01" not in text:
            break
        text = _PLACEHOLDER.sub(lambda m: exprs[int(m.group(1))], text)
    return text


def _tokens(text: str, exprs: list[str]) -> list[str]:
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:  # unbalanced quotes: a plain split is still better than nothing
        words = text.split()
    return [_PLACEHOLDER.sub(lambda m: exprs[int(m.group(1))], w) for w in words[:MAX_TOKENS]]


# A redirection word (`2>`, `>>log`, `&>`); `(?<!\d)` keeps a search from retrying inside a digit run.
_REDIRECTION = re.compile(r"(?<!\d)\d*(?:>>?|<<?<?|&>>?|>&|<&)")


def _strip_redirections(words: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        operator = _REDIRECTION.match(word)
        if operator and not any(c.isspace() for c in word):
            if _REDIRECTION.fullmatch(word):
                skip = True  # the target is the next word
            continue
        out.append(word)
    return out


def resolve_word(word: str, env: Mapping[str, str]) -> str:
    """`${{ env.X }}`, `${{ inputs.X }}`, `$X` and `${X}` replaced by literal values known for them."""
    if "$" not in word or not env:
        return word

    def gh(match: re.Match[str]) -> str:
        inner = match.group(1)
        found = _GH_ENV_REF.match(inner) or _GH_INPUT_REF.match(inner)
        if found:
            key = found.group(1) if found.re is _GH_ENV_REF else f"inputs.{found.group(1)}"
            if key in env:
                return env[key]
        return match.group(0)

    word = _GH_EXPR.sub(gh, word)
    return _SH_VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), word)


def _masked(segments: list[tuple[str, int, str]], index: int) -> bool:
    """In `a && b || true` a failure of `a` or `b` goes to the next `||`; a neutral command there
    (`true`, `:`, `exit 0`, `echo`) keeps it from failing the job."""
    for position in range(index, min(len(segments), index + 50)):
        op = segments[position][2]
        if op == "||":
            after = segments[position + 1][0].split() if position + 1 < len(segments) else []
            return not after or after[0] in _NEUTRAL or after[:2] == ["exit", "0"] or (
                len(after) == 1 and _ASSIGN.match(after[0]) is not None)  # `|| status=$?`
        if op != "&&":
            return False
    return False


def split_script(script: str, env: Mapping[str, str] | None = None, can_fail: bool = True,
                 max_commands: int = MAX_COMMANDS, pipefail: bool = False, _depth: int = 0) -> list[Command]:
    """The simple commands of a script, in order, at most `max_commands` of them."""
    script = script[:MAX_SCRIPT_CHARS]
    env = dict(env or {})
    exprs: list[str] = []

    def hide(match: re.Match[str]) -> str:
        exprs.append(match.group(0))
        return f"\x01{len(exprs) - 1}\x01"

    segments = _segments(script)
    commands: list[Command] = []
    errexit = True
    for index, (text, line, op) in enumerate(segments):
        if len(commands) >= max_commands:
            break
        if not text:
            continue
        words = _strip_redirections(_tokens(_hide_substitutions(_GH_EXPR.sub(hide, text), exprs), exprs))
        condition = False
        while words and words[0] in _KEYWORDS_LEADING:
            condition = condition or words[0] in _CONDITION
            words = words[1:]
        assigns: dict[str, str] = {}
        while words and _ASSIGN.match(words[0]):
            key, _, value = words[0].partition("=")
            words = words[1:]
            if value.startswith("(") and not value.endswith(")"):  # the rest of an array literal
                while words and not words[0].endswith(")"):
                    words = words[1:]
                words = words[1:]
            assigns[key] = value
        if not words:
            for key, value in assigns.items():  # `X=1` alone sets a shell variable later commands read
                if literal(value) is not None:
                    env[key] = value
            # `out="$(pytest ... || true)"` runs its command for the output; under errexit its failure fails
            # the script. One level deep: a substitution inside that one stays opaque.
            inner = [_restore(v[2:-1], exprs) for v in assigns.values() if v.startswith("$(") and v.endswith(")")]
            fails = can_fail and errexit and not condition and not _masked(segments, index)
            for script_text in inner if _depth == 0 else ():
                for command in split_script(script_text, env, fails, max_commands - len(commands), pipefail,
                                            _depth=1):
                    commands.append(replace(command, line=line + command.line - 1))
            continue
        if words[0] in _CLOSING and len(words) == 1:
            continue
        if words[0] == "set":
            for flag in words[1:]:
                if flag.startswith("-") and "e" in flag.lstrip("-") and not flag.startswith("--"):
                    errexit = True
                elif flag.startswith("+") and "e" in flag:
                    errexit = False
            for before, name in zip(words[1:], words[2:], strict=False):
                if before in ("-o", "+o") and name == "errexit":
                    errexit = before == "-o"
                elif before.endswith("o") and name == "pipefail":
                    pipefail = before.startswith("-")
        words = [resolve_word(w, env) for w in words]
        fails = can_fail and errexit and not condition
        if _masked(segments, index):
            fails = False
        if op == "|" and not pipefail:  # without pipefail only the last command of a pipeline decides
            fails = False
        commands.append(Command(tuple(words), line, fails, text[:300], assigns))
    return commands
