"""Does a topic's current schema still accept every event its released schema accepted?

Topics are replayed from offset 0 and upstream systems build against a release, so within one topic
version a schema may only widen: add an optional property, allow another value, relax a bound. A removed
property, a newly required one or a narrowed type is a breaking change and needs a new `.v2` topic.

The comparison walks both schemas side by side, resolving local `$ref`s. A union (`anyOf`, `oneOf`,
a list of types) is split into branches; each released branch needs a current branch of the same type
that accepts everything it accepted. A keyword it does not understand counts as breaking when it changes.
"""

import json
from collections.abc import Mapping
from typing import Any, NamedTuple

Schema = Mapping[str, Any]

RETIRED = (
    "released, but no longer a topic: keep publishing it until its consumers have moved to its successor,"
    " then retire it deliberately with `make contracts-release`"
)
NEW_VERSION = (
    "A breaking change needs a new topic version: add a `.v2` topic with its own model and publish both"
    " until the consumers of the old one have moved. Widening (an optional field, another value, a looser"
    " bound) keeps the version."
)

ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "discriminator"}
    | {"$comment", "$schema", "$id", "$defs"}
)
UNIONS = ("anyOf", "oneOf")
LOWER_BOUNDS = ("minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties")
NUMBER_BOUNDS = {"minimum": ("minimum", "exclusiveMinimum"), "maximum": ("maximum", "exclusiveMaximum")}
EXACT_RULES = ("pattern", "format")
UNDERSTOOD = (
    ANNOTATIONS
    | set(UNIONS)
    | set(LOWER_BOUNDS + UPPER_BOUNDS + EXACT_RULES)
    | {key for keys in NUMBER_BOUNDS.values() for key in keys}
    | {"$ref", "type", "const", "enum", "multipleOf", "uniqueItems"}
    | {"properties", "required", "additionalProperties", "items"}
)
JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


class Branch(NamedTuple):
    """One alternative of a schema; `origin` names the definition it came from, to recognise recursion."""

    schema: Schema
    origin: str


def compare_with_released(released: Mapping[str, Schema], current: Mapping[str, Schema]) -> list[str]:
    """Breaking changes of every released topic, each line prefixed with its topic. A topic that has no
    released schema yet (a new `.v2`) has nothing to break."""
    problems = []
    for topic, released_schema in sorted(released.items()):
        if topic not in current:
            problems.append(f"{topic}: {RETIRED}")
        else:
            problems += [f"{topic}: {problem}" for problem in breaking_changes(released_schema, current[topic])]
    return problems


def explain(problems: list[str]) -> str:
    """The problems as a message for the person who made them."""
    lines = "\n".join(f"  {problem}" for problem in problems)
    return (
        f"Breaking changes against the released schemas (libs/jdi-contracts/schemas/released/):\n{lines}\n{NEW_VERSION}"
    )


def breaking_changes(released: Schema, current: Schema) -> list[str]:
    """What `released` accepted that `current` no longer does, one readable line per problem."""
    return _Comparison(released, current).compare(released, current, "")


class _Comparison:
    def __init__(self, released_root: Schema, current_root: Schema) -> None:
        self._roots = (released_root, current_root)
        self._in_progress: set[tuple[str, str]] = set()

    def compare(self, old: Schema | bool, new: Schema | bool, path: str) -> list[str]:
        if old is False or new is True:
            return []
        if new is False:
            return [f"{_label(path)}: accepts nothing any more"]
        current = _branches(new, self._roots[1])
        problems = []
        for branch in _branches({} if old is True else old, self._roots[0]):
            problems += self._match(branch, current, path)
        return problems

    def _match(self, old: Branch, candidates: list[Branch], path: str) -> list[str]:
        kind = _kind(old.schema)
        same_kind = [new for new in candidates if _kind(new.schema) in _accepting_kinds(kind)]
        if not same_kind:
            now = ", ".join(sorted({_kind(new.schema) for new in candidates}))
            was = "any value" if kind == "any" else kind
            return [f"{_label(path)}: no longer accepts {was} (now {now})"]
        fewest: list[str] | None = None
        for new in same_kind:
            problems = self._compare_once(old, new, path)
            if not problems:
                return []
            if fewest is None or len(problems) < len(fewest):
                fewest = problems
        return fewest or []

    def _compare_once(self, old: Branch, new: Branch, path: str) -> list[str]:
        """A recursive schema meets the same pair of definitions again: it is being compared further up."""
        pair = (old.origin, new.origin)
        if pair in self._in_progress:
            return []
        if any(pair):
            self._in_progress.add(pair)
        try:
            return self._compare_branch(old.schema, new.schema, path)
        finally:
            self._in_progress.discard(pair)

    def _compare_branch(self, old: Schema, new: Schema, path: str) -> list[str]:
        where = _label(path)
        problems = _values(old, new, where) + _bounds(old, new, where) + _rules(old, new, where)
        problems += self._object(old, new, path) + self._array(old, new, path)
        unknown = sorted(key for key in new.keys() - UNDERSTOOD if new[key] != old.get(key))
        problems += [f"{where}: {key} changed; the checker cannot tell whether that narrows it" for key in unknown]
        return problems

    def _object(self, old: Schema, new: Schema, path: str) -> list[str]:
        old_properties: Mapping[str, Any] = old.get("properties", {})
        new_properties: Mapping[str, Any] = new.get("properties", {})
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        problems = []
        for name, schema in old_properties.items():
            if name in new_properties:
                problems += self.compare(schema, new_properties[name], _child(path, name))
            else:
                problems.append(f"{_child(path, name)}: removed")
        for name in sorted(new_properties.keys() - old_properties.keys()):
            # An open object may already have carried this property, with any value its extras allowed.
            problems += self.compare(old_extra, new_properties[name], _child(path, name))
        for name in sorted(set(new.get("required", [])) - set(old.get("required", []))):
            problems.append(f"{_child(path, name)}: {'newly' if name in old_properties else 'new and'} required")
        if new_extra is False and old_extra is not False:
            problems.append(f"{_label(path)}: additionalProperties closed (only the listed properties are allowed)")
        else:
            problems += self.compare(old_extra, new_extra, _child(path, "*"))
        return problems

    def _array(self, old: Schema, new: Schema, path: str) -> list[str]:
        if "items" not in new:
            return []
        return self.compare(old.get("items", True), new["items"], f"{path}[]")


def _resolve(node: Schema, root: Schema) -> tuple[Schema, str]:
    """Follow local `$ref`s; keywords beside a `$ref` apply too. Returns the schema and the last ref."""
    last = ""
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/") or ref in seen:
            raise ValueError(f"cannot resolve $ref {ref!r}: only local, non-circular references are supported")
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = {**target, **{key: value for key, value in node.items() if key != "$ref"}}
        last = ref
    return node, last


def _branches(node: Schema, root: Schema, origin: str = "") -> list[Branch]:
    """The alternatives of a schema: one per union option and per type of a list of types. A branch's
    origin names where it was defined (under which `$ref`), so recursion can be recognised."""
    node, ref = _resolve(node, root)
    origin = ref or origin
    for union in UNIONS:
        if union in node:
            shared = {key: value for key, value in node.items() if key not in ANNOTATIONS and key != union}
            return [
                branch
                for index, option in enumerate(node[union])
                for branch in _branches({**option, **shared}, root, origin and f"{origin}/{union}/{index}")
            ]
    types = node.get("type")
    if isinstance(types, list):
        return [Branch({**node, "type": each}, origin and f"{origin}/type/{each}") for each in types]
    return [Branch(node, origin)]


def _kind(branch: Schema) -> str:
    if isinstance(branch.get("type"), str):
        return str(branch["type"])
    values = _allowed_values(branch)
    kinds = {JSON_TYPES.get(type(value), "null") for value in values or []}
    return kinds.pop() if len(kinds) == 1 else "any"


def _accepting_kinds(kind: str) -> set[str]:
    """Branch types that can accept every value of a released branch of this type."""
    return {kind, "any", "number"} if kind == "integer" else {kind, "any"}


def _allowed_values(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if "enum" in schema:
        return list(schema["enum"])
    return None


def _values(old: Schema, new: Schema, where: str) -> list[str]:
    new_values = _allowed_values(new)
    if new_values is None:
        return []
    old_values = _allowed_values(old)
    if old_values is None:
        return [f"{where}: now limited to {_show(new_values)}"]
    kept = {_canonical(value) for value in new_values}
    removed = [value for value in old_values if _canonical(value) not in kept]
    return [f"{where}: no longer allows {_show(removed)}"] if removed else []


def _bounds(old: Schema, new: Schema, where: str) -> list[str]:
    problems = []
    for key in LOWER_BOUNDS:
        if key in new and (key not in old or new[key] > old[key]):
            problems.append(f"{where}: {key} {_change(old.get(key), new[key])}")
    for key in UPPER_BOUNDS:
        if key in new and (key not in old or new[key] < old[key]):
            problems.append(f"{where}: {key} {_change(old.get(key), new[key])}")
    for side in NUMBER_BOUNDS:
        old_bound, new_bound = _tightest(old, side), _tightest(new, side)
        if new_bound is not None and (old_bound is None or new_bound.tighter_than(old_bound)):
            problems.append(f"{where}: {side} {_change(old_bound, new_bound)}")
    if "multipleOf" in new and not _divides(new["multipleOf"], old.get("multipleOf")):
        problems.append(f"{where}: multipleOf {_change(old.get('multipleOf'), new['multipleOf'])}")
    return problems


def _rules(old: Schema, new: Schema, where: str) -> list[str]:
    problems = []
    for key in EXACT_RULES:
        if key in new and new[key] != old.get(key):
            problems.append(f"{where}: {key} {_change(old.get(key), new[key])}")
    if new.get("uniqueItems") and not old.get("uniqueItems"):
        problems.append(f"{where}: items must now be unique")
    return problems


class Bound(NamedTuple):
    """A numeric bound: an upper one is tighter when smaller, a lower one when larger."""

    value: float
    exclusive: bool
    upper: bool

    def tighter_than(self, other: "Bound") -> bool:
        if self.value != other.value:
            return (self.value < other.value) == self.upper
        return self.exclusive and not other.exclusive

    def __repr__(self) -> str:
        return f"{self.value}{' (exclusive)' if self.exclusive else ''}"


def _tightest(schema: Schema, side: str) -> Bound | None:
    """The bound on `side` ("minimum" or "maximum") that an inclusive and an exclusive keyword make."""
    tightest = None
    for key in NUMBER_BOUNDS[side]:
        if key in schema:
            bound = Bound(schema[key], exclusive=key != side, upper=side == "maximum")
            if tightest is None or bound.tighter_than(tightest):
                tightest = bound
    return tightest


def _divides(new: float, old: float | None) -> bool:
    if old is None:
        return False
    quotient = old / new
    return abs(quotient - round(quotient)) < 1e-9


def _change(old: object, new: object) -> str:
    return f"{new!r} added" if old is None else f"tightened from {old!r} to {new!r}"


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _show(values: list[Any]) -> str:
    return ", ".join(_canonical(value) for value in values)


def _child(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _label(path: str) -> str:
    return path or "(the event)"
