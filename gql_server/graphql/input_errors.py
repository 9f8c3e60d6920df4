"""Which argument, input field or variable a graphql-core input error is about.

graphql-core reports a wrong input value in words only ("Int cannot represent non-integer
value"), while every BAD_USER_INPUT of ours names its field in `extensions.field`. For a value
written in the document the error's node is the value itself, so the path is found by walking
the document's arguments (`input.cells[0].value`); for a variable that does not coerce the
message names the variable and the path inside it (`$input.position`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectFieldNode,
    ObjectValueNode,
    ValueNode,
)
from graphql.language import Visitor, visit

_REQUIRED_FIELD = re.compile(r"to include required field '(\w+)'")
_UNKNOWN_FIELD = re.compile(r"not to include unknown field '(\w+)'")
_MISSING_ARGUMENT = re.compile(r"^Argument '[^']*\((\w+):\)' of type '[^']+' is required")
_VARIABLE = re.compile(r"^Variable '\$(\w+)' has invalid value(?: at (\S+?))?:")


def _values(node: ValueNode, path: str) -> Iterator[tuple[Node, str]]:
    yield node, path
    if isinstance(node, ObjectValueNode):
        for member in node.fields:
            member_path = f"{path}.{member.name.value}"
            yield member, member_path
            yield from _values(member.value, member_path)
    elif isinstance(node, ListValueNode):
        for index, item in enumerate(node.values):
            yield from _values(item, f"{path}[{index}]")


class _Arguments(Visitor):
    """Every argument's nodes, by identity, with their path from the argument's name."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: dict[int, str] = {}

    def enter_argument(self, node: ArgumentNode, *_: object) -> object:
        for value, path in _values(node.value, node.name.value):
            self.paths[id(value)] = path
        return self.SKIP


def _detail(message: str) -> str:
    """The member a message names below the node it is reported on, if any."""
    for pattern in (_REQUIRED_FIELD, _UNKNOWN_FIELD):
        found = pattern.search(message)
        if found:
            return f".{found.group(1)}"
    return ""


def literal_field(document: DocumentNode, error: GraphQLError) -> str | None:
    """The argument path of an invalid value written in `document`, if the error has one."""
    missing = _MISSING_ARGUMENT.search(error.message)
    if missing:
        return missing.group(1)
    if not error.nodes:
        return None
    arguments = _Arguments()
    visit(document, arguments)
    node = error.nodes[0]
    path = arguments.paths.get(id(node))
    if path is None or isinstance(node, ObjectFieldNode):
        return path  # an unknown member is reported on itself: its path names it
    return path + _detail(error.message)


def variable_field(message: str) -> str | None:
    """`$name.path` of a variable that did not coerce, from graphql-core's message."""
    found = _VARIABLE.match(message)
    if found is None:
        return None
    name, at = found.group(1), found.group(2) or ""
    return f"${name}{at}{_detail(message)}"
