"""Turn what a user typed (field flags, or JSON/YAML from a file or stdin) into entity data, and
model validation errors into messages that name the flag or file, the field and the value.

Part of the core: the CLI imports it only when an entity command runs; the TUI uses it too.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from riskgraph.editing.schema import FieldInfo, fields_of, kind_class, unknown_field
from riskgraph.errors import InputError, InputErrors, Location
from riskgraph.model.entities import Entity, Risk
from riskgraph.nesting import check_json_nesting, check_yaml_nesting
from riskgraph.scoring import MATRIX_NAMES, matrix

STDIN = "-"


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: '2026-02-30' stays text, so that the model reports it
    like any other bad value instead of YAML failing with no line number."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FieldError(InputError):
    """A problem with one field of one entity (or with the entity as a whole: ``field`` None).

    The message names the field, never a CLI flag or a form widget: every face shows the same
    words and maps the field name to its own (the CLI's flag, the form's row).
    """

    def __init__(
        self,
        problem: str,
        *,
        field: str | None = None,
        detail: str | None = None,
        location: Location | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.field = field
        self.detail = detail if detail is not None else problem
        """The problem without the field's name in front, for a face that shows it at the
        field (e.g. 'is required')."""
        super().__init__(problem, location=location, value=value, expected=expected)

    def at_field(self) -> str:
        """The message as shown next to its field: without the field's name in front."""
        return InputError(self.detail, value=self.value, expected=self.expected).render()


@dataclass(frozen=True)
class Origin:
    """Where some input came from, so that an error can point at the field or the file line."""

    source: str | None = None
    """File name, '<stdin>', or None for values typed by a person (command-line flags, a form)."""
    item: int | None = None
    """1-based position of the object in a list."""
    line: int | None = None
    """Line where the object starts."""
    key_lines: Mapping[str, int] = field(default_factory=dict)

    def error(
        self,
        problem: str,
        *,
        field: str | None = None,
        value: object = None,
        expected: str | None = None,
        about_field: bool = True,
    ) -> FieldError:
        """A FieldError at this origin. With ``about_field`` the problem is a predicate of the
        field ('is required') and the message starts with the field name."""
        detail = problem
        if field and about_field:
            problem = f"{field} {problem}"
        if self.source is None:
            return FieldError(problem, field=field, detail=detail, value=value, expected=expected)
        line = self.key_lines.get(field or "") or self.line
        location = Location(
            file=self.source,
            line=line,
            row=None if line else self.item,
            column=field,
        )
        return FieldError(
            problem, field=field, detail=detail, location=location, value=value, expected=expected
        )


TYPED = Origin()
"""Values a person typed: command-line flags or a form in the terminal UI."""
FLAGS = TYPED


@dataclass
class Changes:
    """Field values given for one entity: values to set, fields to clear, list items to add or
    remove. Values are as typed (strings from flags, any JSON/YAML value from files)."""

    values: dict[str, object] = field(default_factory=dict)
    clear: list[str] = field(default_factory=list)
    add: dict[str, list[object]] = field(default_factory=dict)
    remove: dict[str, list[object]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values or self.clear or self.add or self.remove)


@dataclass
class InputItem:
    """One object read from a file or stdin."""

    changes: Changes
    origin: Origin
    kind: str | None
    """The object's own 'kind' key, if it has one."""


def combine(errors: list[InputError]) -> InputError | InputErrors:
    return errors[0] if len(errors) == 1 else InputErrors(errors)


# Flags ------------------------------------------------------------------------------------------


def parse_flags(args: list[str], cls: type[Entity], *, editing: bool = False) -> Changes:
    """Parse '--field value', '--field=value', '--no-<flag>' and, when editing,
    '--add-<list field> v' and '--remove-<list field> v'. Lists take repeats or commas."""
    fields = fields_of(cls)
    changes = Changes()
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("--") or token == "--":
            raise InputError(
                f"unexpected argument {token!r}",
                expected="field flags such as --title 'Model drift' "
                f"(see 'riskgraph fields {cls.kind}')",
            )
        name, has_value, value = token[2:].partition("=")
        op, info = _flag_target(name, fields, editing=editing, cls=cls)
        if op == "negate":
            if has_value or (i < len(args) and not args[i].startswith("--")):
                raise InputError(f"--{name} takes no value", value=value if has_value else args[i])
            value = "false"
        elif not has_value:
            if info.value_kind == "boolean" and (i >= len(args) or args[i].startswith("--")):
                value = "true"
            elif i >= len(args):
                raise InputError(f"{token} needs a value", expected=info.expected())
            else:
                value = args[i]
                i += 1
        if editing and info.name == "id":
            raise InputError(
                "an entity's ID cannot be changed; add a new entity and remove the old one"
            )
        _record(changes, op, info, value)
    return changes


def _flag_target(
    name: str, fields: dict[str, FieldInfo], *, editing: bool, cls: type[Entity]
) -> tuple[str, FieldInfo]:
    """(operation, field) for a flag name without its dashes."""
    key = name.replace("-", "_")
    if key in fields:
        return "set", fields[key]
    for prefix, op in (("no_", "negate"), ("add_", "add"), ("remove_", "remove")):
        rest = key.removeprefix(prefix)
        info = fields.get(rest) if rest != key else None
        if info is None:
            continue
        if op == "negate" and info.value_kind == "boolean":
            return op, info
        if op in ("add", "remove") and info.many and editing:
            return op, info
    raise unknown_field(cls, name, as_flag=True)


def _record(changes: Changes, op: str, info: FieldInfo, value: str) -> None:
    if op in ("add", "remove"):
        target = changes.add if op == "add" else changes.remove
        target.setdefault(info.name, []).extend(split_list(value))
        return
    if info.many:
        existing = changes.values.setdefault(info.name, [])
        if not isinstance(existing, list):
            raise InputError(f"{info.flag} is given twice", value=existing, expected="a list")
        existing.extend(split_list(value))
        return
    if info.name in changes.values:
        raise InputError(f"{info.flag} is given twice", expected="one value")
    changes.values[info.name] = value


def split_list(value: object) -> list[object]:
    """'A, B' -> ['A', 'B']; a list stays a list; any other value becomes a list of one."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return value
    return [value]


# Files and stdin --------------------------------------------------------------------------------


def read_items(name: str, *, stdin_label: str = "<stdin>") -> list[InputItem]:
    """The objects in a JSON or YAML file (or stdin for '-'): one object or a list of them."""
    label, text = _read_text(name, stdin_label)
    document = _parse(text, label, Path(name).suffix.lower() if name != STDIN else "")
    objects = document if isinstance(document, list) else [document]
    if not objects:
        raise InputError("holds an empty list", location=Location(file=label))
    lines = _key_lines(text)
    items: list[InputItem] = []
    for index, obj in enumerate(objects, start=1):
        start, keys = lines[index - 1] if index - 1 < len(lines) else (None, {})
        origin = Origin(
            label, item=index if isinstance(document, list) else None, line=start, key_lines=keys
        )
        if not isinstance(obj, dict):
            raise origin.error(
                "this item is not an object", value=obj, expected="an object of field: value pairs"
            )
        items.append(_item(obj, origin))
    return items


def _read_text(name: str, stdin_label: str) -> tuple[str, str]:
    if name == STDIN:
        return stdin_label, sys.stdin.read()
    path = Path(name)
    try:
        return name, path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", location=Location(file=name)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", location=Location(file=name)) from None
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text", location=Location(file=name), expected="a JSON or YAML file"
        ) from None


def _parse(text: str, label: str, suffix: str) -> object:
    where = Location(file=label)
    if not text.strip():
        raise InputError("is empty", location=where, expected="an object or a list of objects")
    looks_like_json = suffix == ".json" or (
        suffix not in (".yaml", ".yml") and text.lstrip().startswith(("{", "["))
    )
    if looks_like_json:
        check_json_nesting(text, label)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if suffix == ".json":
                raise InputError(
                    f"not valid JSON: {exc.msg}", location=Location(file=label, line=exc.lineno)
                ) from None
        except ValueError as exc:  # e.g. an integer of more than 4300 digits
            raise InputError(f"not valid JSON: {exc}", location=where) from None
    check_yaml_nesting(text, label)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise InputError(
            f"not valid YAML or JSON: {exc.problem}", location=Location(file=label, line=line)
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise InputError(f"not valid YAML or JSON: {exc}", location=where) from None


def _key_lines(text: str) -> list[tuple[int, dict[str, int]]]:
    """(start line, key -> line) of each top-level object, best effort (JSON is YAML too)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return []
    if root is None:
        return []
    nodes = root.value if isinstance(root, yaml.SequenceNode) else [root]
    result = []
    for node in nodes:
        keys: dict[str, int] = {}
        if isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode):
                    keys[_field_key(str(key.value))] = key.start_mark.line + 1
        result.append((node.start_mark.line + 1, keys))
    return result


def _field_key(key: str) -> str:
    return key.strip().replace("-", "_")


def _item(obj: dict[object, object], origin: Origin) -> InputItem:
    changes = Changes()
    kind = None
    for raw_key, value in obj.items():
        if not isinstance(raw_key, str):
            raise origin.error("a key is not text", value=raw_key)
        key = _field_key(raw_key)
        if key == "kind":
            if not isinstance(value, str):
                raise origin.error("must be text", field="kind", value=value)
            kind = value
        elif value is None:
            changes.clear.append(key)
        else:
            changes.values[key] = value
    return InputItem(changes, origin, kind)


def item_class(item: InputItem, kind: str | None) -> type[Entity]:
    """The class of an object from a file: its 'kind' key and the KIND argument must agree."""
    if item.kind and kind and kind_class(item.kind) is not kind_class(kind):
        raise item.origin.error(
            f"does not match the kind on the command line ({kind})",
            field="kind",
            value=item.kind,
            expected=f"kind {kind}, or no kind key",
        )
    name = item.kind or kind
    if name is None:
        raise item.origin.error(
            "this item has no kind",
            expected="a 'kind' key (e.g. kind: risk), or KIND on the command line",
        )
    try:
        return kind_class(name)
    except InputError as exc:
        raise item.origin.error(
            "is not a kind", field="kind", value=name, expected=exc.expected
        ) from None


def check_field_names(cls: type[Entity], changes: Changes, origin: Origin) -> None:
    """Every key of an object from a file must be a field of its kind."""
    fields = fields_of(cls)
    for key in [*changes.values, *changes.clear]:
        if key not in fields:
            error = unknown_field(cls, key, as_flag=False)
            raise origin.error(error.problem, field=key, expected=error.expected, about_field=False)


# Building models --------------------------------------------------------------------------------


def normalise(cls: type[Entity], data: dict[str, object]) -> dict[str, object]:
    """Lists from comma-separated text; enum and choice values in lower case."""
    fields = fields_of(cls)
    result = dict(data)
    for name, value in data.items():
        info = fields.get(name)
        if info is None:
            continue
        if info.many:
            result[name] = split_list(value)
        elif (info.choices or info.value_kind == "concept") and isinstance(value, str):
            result[name] = value.strip().lower()
    return result


def build(
    cls: type[Entity],
    data: dict[str, object],
    origin: Origin,
    *,
    fallback: Mapping[str, object] | None = None,
) -> Entity:
    """Validate ``data`` as a ``cls``; a ValidationError becomes InputError(s) naming each field.

    pydantic checks the fields first and runs the whole-entity rules (scores on the matrix, an
    approval's approver ...) only when every field passed. So when some fields fail, their values
    from ``fallback`` (the entity before an edit) or none stand in and the rules run again, to
    report every problem at once.
    """
    data = normalise(cls, data)
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        errors = readable_errors(exc, cls, origin, data)
    failed = {e.field for e in errors if isinstance(e, FieldError) and e.field}
    if failed:
        stand_in = {name: value for name, value in data.items() if name not in failed}
        for name in failed:
            if fallback is not None and fallback.get(name) is not None:
                stand_in[name] = fallback[name]
        try:
            cls.model_validate(stand_in)
        except ValidationError as again:
            for error in readable_errors(again, cls, origin, stand_in):
                new = not isinstance(error, FieldError) or error.field not in failed
                if new and error.render() not in {e.render() for e in errors}:
                    errors.append(error)
    raise combine(list(errors)) from None


_PROBLEMS = {
    "missing": "is required",
    "string_pattern_mismatch": "is not well formed",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "int_type": "is not a whole number",
    "date_from_datetime_parsing": "is not a valid date",
    "date_parsing": "is not a valid date",
    "date_type": "is not a valid date",
    "bool_parsing": "is not true or false",
    "bool_type": "is not true or false",
    "enum": "is not an allowed value",
    "string_type": "must be text",
    "list_type": "must be a list",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long",
    "less_than_equal": "is too large",
    "greater_than_equal": "is too small",
}
"""Plain words for pydantic's error types; other errors keep pydantic's own message."""


def readable_errors(
    exc: ValidationError, cls: type[Entity], origin: Origin, data: Mapping[str, object]
) -> list[InputError]:
    """Pydantic's errors as InputErrors: the field, the value given and what was expected."""
    fields = fields_of(cls)
    errors: list[InputError] = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        name = str(loc[0]) if loc else None
        info = fields.get(name or "")
        if info is None:
            # A rule across fields (e.g. residual scores come in pairs); the message names them.
            message = str(err["msg"]).removeprefix("Value error, ")
            errors.append(
                origin.error(message, field=field_named_in(message, fields), about_field=False)
            )
            continue
        problem = _PROBLEMS.get(err["type"]) or "is invalid: " + _lower_first(
            str(err["msg"]).removeprefix("Value error, ")
        )
        value = None if err["type"] == "missing" else shown_value(err.get("input"))
        expected = _score_range(cls, info, data) or info.expected()
        errors.append(origin.error(problem, field=name, value=value, expected=expected))
    return errors


def field_named_in(message: str, fields: Iterable[str]) -> str | None:
    """The field a whole-entity message is about: the first field name it mentions."""
    found = [(m.start(), name) for name in fields if (m := re.search(rf"\b{name}\b", message))]
    return min(found)[1] if found else None


def shown_value(value: object) -> object:
    """A value as given, for a message: numbers and booleans as the text a person typed, so that
    a value from a flag ('7') and from a form (7) read the same."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


def _score_range(cls: type[Entity], info: FieldInfo, data: Mapping[str, object]) -> str | None:
    """Risk scores run from 1 to the size of the risk's matrix, not to the widest matrix."""
    if cls is not Risk or info.value_kind != "integer" or data.get("matrix") not in MATRIX_NAMES:
        return None
    name = str(data["matrix"])
    return f"a whole number from 1 to {matrix(name).size} on the {name} matrix"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
