"""Where @defer and @stream may be used, beyond graphql-core's own rules for them."""

from __future__ import annotations

from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationRule,
)

DIRECTIVES = frozenset({"defer", "stream"})


def uses_incremental_delivery(document: DocumentNode) -> bool:
    """Whether @defer or @stream is written anywhere in the document."""
    return any(
        isinstance(definition, ExecutableDefinitionNode)
        and _selections_use(definition.selection_set)
        for definition in document.definitions
    )


def _selections_use(selection_set: SelectionSetNode | None) -> bool:
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if any(d.name.value in DIRECTIVES for d in selection.directives or ()):
            return True
        if isinstance(selection, FieldNode | InlineFragmentNode) and _selections_use(
            selection.selection_set
        ):
            return True
    return False


class IncrementalDeliveryOnQueriesOnly(ValidationRule):
    """@defer and @stream are answered in queries only.

    A mutation runs serially on graphql-core's executor, and its answer is small and wanted
    whole: it is refused with the directive rather than answered in a form the client did not
    ask for. (graphql-core's own rules already refuse them on a mutation's root fields; this
    refuses them below, where the specification would allow them.)
    """

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: Any) -> None:
        if node.operation == OperationType.QUERY:
            return
        self._check(node.selection_set, root=True, visited=set())

    def _check(self, selection_set: SelectionSetNode, *, root: bool, visited: set[str]) -> None:
        for selection in selection_set.selections:
            if not root:
                for directive in selection.directives or ():
                    if directive.name.value in DIRECTIVES and not _disabled(directive):
                        self.report_error(
                            GraphQLError(
                                f"@{directive.name.value} is answered in queries only: a"
                                " mutation's answer is sent whole. Remove it, or set"
                                " `if: false`.",
                                directive,
                            )
                        )
            if isinstance(selection, FieldNode):
                if selection.selection_set is not None:
                    self._check(selection.selection_set, root=False, visited=visited)
            elif isinstance(selection, InlineFragmentNode):
                self._check(selection.selection_set, root=root, visited=visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.context.get_fragment(name)
                if fragment is not None and name not in visited:
                    visited.add(name)
                    self._check(fragment.selection_set, root=root, visited=visited)


class StreamInitialCountIsACount(ValidationRule):
    """@stream's initialCount, when written in the document, is 0 or more (one given by a
    variable is checked as the list is cut: an error at each list)."""

    def enter_directive(self, node: DirectiveNode, *_args: Any) -> None:
        if node.name.value != "stream":
            return
        for argument in node.arguments or ():
            value = argument.value
            if (
                argument.name.value == "initialCount"
                and isinstance(value, IntValueNode)
                and int(value.value) < 0
            ):
                self.report_error(
                    GraphQLError("@stream's initialCount must be 0 or more.", argument)
                )


def _disabled(directive: DirectiveNode) -> bool:
    """Whether the directive says `if: false` in so many words."""
    return any(
        argument.name.value == "if"
        and isinstance(argument.value, BooleanValueNode)
        and not argument.value.value
        for argument in directive.arguments or ()
    )
