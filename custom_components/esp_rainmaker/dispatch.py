"""Per-node update dispatch: an update reaches only the entities of nodes that changed."""

from collections.abc import Hashable, Mapping

from homeassistant.core import CALLBACK_TYPE, callback

from .api import Node


class NodeListeners:
    """The coordinator's listeners, indexed by the node id they passed as context.

    Nodes that did not change keep their identity from one update to the next, so
    comparing identities finds the changed ones; entities of other nodes are not
    called at all. Listeners without a node id hear every update, and so does
    everyone when the coordinator's success flips (availability changes).
    """

    def __init__(self) -> None:
        """Start empty."""
        self._by_node: dict[str, list[CALLBACK_TYPE]] = {}
        self._general: list[CALLBACK_TYPE] = []
        self._shown: Mapping[str, Node] = {}
        self._marks: Mapping[str, Hashable] = {}
        self._success = True

    def add(
        self, update_callback: CALLBACK_TYPE, context: object, remove: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Index a listener; return a remover that also calls `remove`."""
        node_id = context if isinstance(context, str) else None
        if node_id is None:
            listeners = self._general
        else:
            listeners = self._by_node.setdefault(node_id, [])
        listeners.append(update_callback)

        @callback
        def _remove() -> None:
            remove()
            listeners.remove(update_callback)
            if node_id is not None and not listeners:
                self._by_node.pop(node_id, None)

        return _remove

    @property
    def marks(self) -> Mapping[str, Hashable]:
        """The marks of the last update."""
        return self._marks

    def targets(
        self,
        data: Mapping[str, Node] | None,
        success: bool,
        marks: Mapping[str, Hashable] | None = None,
    ) -> list[CALLBACK_TYPE]:
        """Return the listeners to call for an update to `data`.

        `marks` are what entities show of a node beyond its values (whether it is
        reachable, and how): a node whose mark changed is called too.
        """
        data, marks = data or {}, marks or {}
        if success != self._success:
            node_ids: list[str] = list(self._by_node)
        else:
            shown, shown_marks = self._shown, self._marks
            node_ids = [
                node_id
                for node_id in self._by_node
                if shown.get(node_id) is not data.get(node_id)
                or shown_marks.get(node_id) != marks.get(node_id)
            ]
        self._shown, self._marks, self._success = dict(data), dict(marks), success
        targets = list(self._general)
        for node_id in node_ids:
            targets.extend(self._by_node[node_id])
        return targets
