"""What the integration's code takes from strings.json, found statically with `ast`.

Sources of translation keys and how they are found:

* entity names: `translation_key=` of `...EntityDescription(...)` calls in a platform
  module, `_attr_translation_key` assignments, and dicts with a `"translation_key"`
  item returned by naming helpers (`mapping.generic_naming`/`main_naming`), counted
  for every platform module that calls the helper;
* exceptions: `translation_key=` of raises/calls of Home Assistant error classes;
* repair issues: `translation_key=` of `async_create_issue(...)`;
* flows (config, options, repair): `step_id=` of `async_show_form`, error dicts
  (`errors=...`, returned or assigned to `errors`), `async_abort(reason=...)`, and
  the abort reasons Home Assistant's helpers produce (see `_builtin_aborts`).

Whatever cannot be resolved statically is reported in `Usage.unresolved`, which the
tests require to be empty unless the case is listed there with a reason.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from .source import (
    base_names,
    call_name,
    classes,
    dict_item,
    dict_keys,
    ha_exception_names,
    keyword,
    methods,
    module_names,
    platforms,
    reachable,
    resolve_strings,
    tree,
    where,
)

type Placeholders = frozenset[str] | None  # None: not known statically


@dataclass(frozen=True)
class Use:
    """One use of a translation key."""

    key: str
    placeholders: Placeholders
    where: str


@dataclass
class FlowUse:
    """Steps shown, errors set and abort reasons of the flows of one kind."""

    steps: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    aborts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    placeholders: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class Usage:
    """Every translation key the code uses."""

    entity: dict[str, dict[str, list[Use]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    exceptions: dict[str, list[Use]] = field(default_factory=lambda: defaultdict(list))
    issues: dict[str, list[Use]] = field(default_factory=lambda: defaultdict(list))
    flows: dict[str, FlowUse] = field(default_factory=lambda: defaultdict(FlowUse))
    unresolved: list[str] = field(default_factory=list)


FLOW_KINDS = {
    "ConfigFlow": "config",
    "OptionsFlow": "options",
    "OptionsFlowWithReload": "options",
    "OptionsFlowWithConfigEntry": "options",
    "RepairsFlow": "repairs",
    "ConfirmRepairFlow": "repairs",
}
SHOW_STEP = {"async_show_form", "async_show_menu", "async_show_progress"}


def _placeholders(module: str, node: ast.expr | None, present: bool) -> Placeholders:
    if not present:
        return frozenset()
    keys = dict_keys(module, node)
    return None if keys is None else frozenset(keys)


def _imports(module: str) -> dict[str, tuple[str, str]]:
    """Map names imported relatively from the integration to (module, name)."""
    names: dict[str, tuple[str, str]] = {}
    for node in tree(module).body:
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            source = node.module
            for alias in node.names:
                names[alias.asname or alias.name] = (source, alias.name)
    return names


def _naming_helpers(
    usage: Usage,
) -> dict[tuple[str, str], list[tuple[str, Placeholders, str]]]:
    """Find functions returning dicts with a "translation_key" item."""
    helpers: dict[tuple[str, str], list[tuple[str, Placeholders, str]]] = defaultdict(
        list
    )
    for module in module_names():
        for func in tree(module).body:
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if not isinstance(node, ast.Dict):
                    continue
                value = dict_item(node, "translation_key")
                if value is None:
                    continue
                keys = resolve_strings(module, value)
                if keys is None:
                    usage.unresolved.append(
                        f"{where(module, node)}: translation_key is not static"
                    )
                    continue
                present = any(
                    isinstance(k, ast.Constant)
                    and k.value == "translation_placeholders"
                    for k in node.keys
                )
                found = _placeholders(
                    module, dict_item(node, "translation_placeholders"), present
                )
                helpers[(module, func.name)].extend(
                    (key, found, where(module, node)) for key in keys
                )
    return helpers


def _entity_keys(usage: Usage) -> None:
    helpers = _naming_helpers(usage)
    for module in module_names():
        platform = module if module in platforms() else None
        imports = _imports(module)
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.Call):
                name = call_name(node) or ""
                value = keyword(node, "translation_key")
                target = imports.get(name, (module, name))
                if target in helpers:
                    if platform is None:
                        continue  # a helper calling a helper: counted where used
                    for key, found, _ in helpers[target]:
                        usage.entity[platform][key].append(
                            Use(key, found, where(module, node))
                        )
                if value is None:
                    continue
                if name in ha_exception_names(module) or name == "async_create_issue":
                    continue
                if not name.endswith("EntityDescription") or platform is None:
                    usage.unresolved.append(
                        f"{where(module, node)}: translation_key= in {name}() "
                        "is neither an entity description of a platform module, "
                        "an exception nor a repair issue"
                    )
                    continue
                keys = resolve_strings(module, value)
                if keys is None:
                    usage.unresolved.append(
                        f"{where(module, node)}: translation_key is not static"
                    )
                    continue
                present = keyword(node, "translation_placeholders") is not None
                found = _placeholders(
                    module, keyword(node, "translation_placeholders"), present
                )
                for key in keys:
                    usage.entity[platform][key].append(
                        Use(key, found, where(module, node))
                    )
            elif isinstance(node, ast.Assign):
                for target_node in node.targets:
                    attr = (
                        target_node.attr
                        if isinstance(target_node, ast.Attribute)
                        else target_node.id
                        if isinstance(target_node, ast.Name)
                        else None
                    )
                    if attr != "_attr_translation_key":
                        continue
                    keys = resolve_strings(module, node.value)
                    if keys is None or platform is None:
                        usage.unresolved.append(
                            f"{where(module, node)}: _attr_translation_key is not "
                            "static or not in a platform module"
                        )
                        continue
                    for key in keys:
                        usage.entity[platform][key].append(
                            Use(key, frozenset(), where(module, node))
                        )


def _exception_and_issue_keys(usage: Usage) -> None:
    for module in module_names():
        for node in ast.walk(tree(module)):
            if not isinstance(node, ast.Call):
                continue
            name = call_name(node)
            if name in ha_exception_names(module):
                target = usage.exceptions
            elif name == "async_create_issue":
                target = usage.issues
            else:
                continue
            value = keyword(node, "translation_key")
            if value is None:
                continue  # the exception-translations check reports these
            keys = resolve_strings(module, value)
            if keys is None:
                usage.unresolved.append(
                    f"{where(module, node)}: translation_key is not static"
                )
                continue
            present = keyword(node, "translation_placeholders") is not None
            found = _placeholders(
                module, keyword(node, "translation_placeholders"), present
            )
            for key in keys:
                target[key].append(Use(key, found, where(module, node)))


def _in_error_position(parents: dict[ast.AST, ast.AST], node: ast.Dict) -> bool:
    """Tell whether a dict display is passed as `errors=`, returned, or assigned to `errors`."""
    parent = parents.get(node)
    if isinstance(parent, ast.Tuple):
        parent = parents.get(parent)
    if isinstance(parent, ast.Return):
        return True
    if isinstance(parent, ast.keyword):
        return parent.arg == "errors"
    if isinstance(parent, ast.Assign | ast.AnnAssign):
        targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
        return any(isinstance(t, ast.Name) and t.id == "errors" for t in targets)
    return False


def _finishes_after(parents: dict[ast.AST, ast.AST], call: ast.Call) -> bool:
    """Tell whether the statements after a call end the step without a form.

    True when the rest of the block holding the call's statement ends in `return`
    and shows no form (so the flow ends in this step).
    """
    statement: ast.AST = call
    while not isinstance(statement, ast.stmt):
        statement = parents[statement]
    block = next(
        body
        for name in ("body", "orelse", "finalbody")
        if isinstance(body := getattr(parents[statement], name, None), list)
        and statement in body
    )
    rest = block[block.index(statement) + 1 :]
    shows = any(
        isinstance(node, ast.Call) and call_name(node) in SHOW_STEP
        for stmt in rest
        for node in ast.walk(stmt)
    )
    return bool(rest) and isinstance(rest[-1], ast.Return) and not shows


def _builtin_aborts(
    cls: ast.ClassDef,
    method: str,
    call: ast.Call,
    name: str,
    parents: dict[ast.AST, ast.AST],
) -> set[str]:
    """Return the abort reasons Home Assistant's flow helpers may produce here."""
    if name in {"_abort_if_unique_id_configured", "_async_abort_entries_match"}:
        return {"already_configured"}
    if name == "_abort_if_unique_id_mismatch":
        return set() if keyword(call, "reason") else {"unique_id_mismatch"}
    if name == "async_set_unique_id":
        # With raise_on_progress (the default) this aborts while another flow (not
        # a reauth) holds the same unique id in its context. A flow holds it only
        # if it can still show a form after setting it.
        value = keyword(call, "raise_on_progress")
        if isinstance(value, ast.Constant) and value.value is False:
            return set()
        return set() if _finishes_after(parents, call) else {"already_in_progress"}
    if name == "async_update_reload_and_abort" and keyword(call, "reason") is None:
        # Home Assistant picks the reason by the flow's source. Over-approximated:
        # reconfigure_successful when reached from the reconfigure step,
        # reauth_successful when reached from any other step.
        reasons = set()
        for step in methods(cls):
            if step.startswith("async_step_") and method in reachable(cls, step):
                reasons.add(
                    "reconfigure_successful"
                    if step == "async_step_reconfigure"
                    else "reauth_successful"
                )
        return reasons
    return set()


def _flows(usage: Usage) -> None:
    for module in module_names():
        module_tree = tree(module)
        parents = {
            child: parent
            for parent in ast.walk(module_tree)
            for child in ast.iter_child_nodes(parent)
        }
        for cls in classes(module):
            kinds = {FLOW_KINDS[b] for b in base_names(cls) if b in FLOW_KINDS}
            if not kinds:
                continue
            flow = usage.flows[kinds.pop()]
            for method_name, method in methods(cls).items():
                for node in ast.walk(method):
                    here = where(module, node)
                    if isinstance(node, ast.Call):
                        name = call_name(node) or ""
                        if name in SHOW_STEP:
                            steps = resolve_strings(module, keyword(node, "step_id"))
                            if steps is None:
                                usage.unresolved.append(
                                    f"{here}: step_id is not static"
                                )
                                continue
                            shown = keyword(node, "description_placeholders")
                            for step in steps:
                                flow.steps[step].append(here)
                                flow.placeholders[step] |= (
                                    dict_keys(module, shown) or set()
                                )
                        elif name in {"async_abort", "AbortFlow"}:
                            reason = keyword(node, "reason") or (
                                node.args[0] if node.args else None
                            )
                            reasons = resolve_strings(module, reason)
                            if reasons is None:
                                usage.unresolved.append(
                                    f"{here}: abort reason is not static"
                                )
                                continue
                            for value in reasons:
                                flow.aborts[value].append(here)
                        else:
                            reasons = _builtin_aborts(
                                cls, method_name, node, name, parents
                            )
                            explicit = resolve_strings(module, keyword(node, "reason"))
                            if name.startswith(("_abort_if", "async_update_reload")):
                                reasons |= explicit or set()
                            for value in reasons:
                                flow.aborts[value].append(f"{here} ({name})")
                    elif isinstance(node, ast.Dict) and _in_error_position(
                        parents, node
                    ):
                        keys = dict_keys(module, node)
                        values = [
                            v.value
                            for v in node.values
                            if isinstance(v, ast.Constant) and isinstance(v.value, str)
                        ]
                        if keys is None or len(values) != len(node.values):
                            continue  # not an errors dict (e.g. entry data)
                        for value in values:
                            flow.errors[value].append(here)
                    elif isinstance(node, ast.Assign):
                        for target in node.targets:
                            if (
                                isinstance(target, ast.Subscript)
                                and isinstance(target.value, ast.Name)
                                and target.value.id == "errors"
                            ):
                                resolved = resolve_strings(module, node.value)
                                if resolved is None:
                                    usage.unresolved.append(
                                        f"{here}: error value is not static"
                                    )
                                    continue
                                for value in resolved:
                                    flow.errors[value].append(here)


@cache
def usage() -> Usage:
    """Collect every translation key the integration's code uses."""
    found = Usage()
    _entity_keys(found)
    _exception_and_issue_keys(found)
    _flows(found)
    return found
