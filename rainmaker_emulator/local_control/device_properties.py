"""The device's esp_local_ctrl handler with RainMaker's two properties.

espressif/esp-idf components/esp_local_ctrl/src/esp_local_ctrl_handler.c (the
commands, the answer's type being the command's plus one, errors as statuses) and
espressif/esp-rainmaker components/esp_rainmaker/src/core/esp_rmaker_local_ctrl.c
(the read-only "config" and the writable "params", as JSON text).
"""

from dataclasses import dataclass
from typing import Protocol

from google.protobuf.message import DecodeError

from custom_components.esp_rainmaker.api.local.proto import (
    constants_pb2,
    esp_local_ctrl_pb2 as pb,
)

from .device_security import RefusedError

PROP_TYPE_NODE_CONFIG = 1
PROP_TYPE_NODE_PARAMS = 2
PROP_FLAG_READONLY = 1 << 0


class NodeProperties(Protocol):
    """What the handler reads and writes of the node."""

    def config_text(self) -> bytes:
        """Return the node's config as JSON (`esp_rmaker_get_node_config`)."""

    def params_text(self) -> bytes:
        """Return the node's params as JSON (`esp_rmaker_get_node_params`)."""

    def write_params(self, text: bytes) -> constants_pb2.Status:
        """Apply a params write (`esp_rmaker_handle_set_params`); return a Status."""


@dataclass(frozen=True, slots=True)
class PropertyDescription:
    """A registered property (`esp_local_ctrl_prop_t`)."""

    name: str
    type: int
    flags: int


PROPERTIES = (
    PropertyDescription("config", PROP_TYPE_NODE_CONFIG, PROP_FLAG_READONLY),
    PropertyDescription("params", PROP_TYPE_NODE_PARAMS, 0),
)


def handle(request: bytes, node: NodeProperties) -> bytes:
    """Answer one decrypted command."""
    message = pb.LocalCtrlMessage()
    try:
        message.ParseFromString(request)
    except DecodeError as err:
        raise RefusedError("unable to unpack payload data") from err
    answer = pb.LocalCtrlMessage()
    if message.msg == pb.TypeCmdGetPropertyCount:
        answer.msg = pb.TypeRespGetPropertyCount
        answer.resp_get_prop_count.status = constants_pb2.Success
        answer.resp_get_prop_count.count = len(PROPERTIES)
    elif message.msg == pb.TypeCmdGetPropertyValues:
        answer.msg = pb.TypeRespGetPropertyValues
        _get_values(
            list(message.cmd_get_prop_vals.indices), node, answer.resp_get_prop_vals
        )
    elif message.msg == pb.TypeCmdSetPropertyValues:
        answer.msg = pb.TypeRespSetPropertyValues
        answer.resp_set_prop_vals.status = _set_values(message.cmd_set_prop_vals, node)
    else:
        raise RefusedError("invalid command handler lookup")
    return answer.SerializeToString()


def _get_values(
    indices: list[int], node: NodeProperties, answer: pb.RespGetPropertyValues
) -> None:
    if any(index >= len(PROPERTIES) for index in indices):
        answer.status = constants_pb2.InvalidArgument
        return
    answer.status = constants_pb2.Success
    for index in indices:
        prop = PROPERTIES[index]
        value = (
            node.config_text()
            if prop.type == PROP_TYPE_NODE_CONFIG
            else node.params_text()
        )
        answer.props.add(name=prop.name, type=prop.type, flags=prop.flags, value=value)


def _set_values(
    command: pb.CmdSetPropertyValues, node: NodeProperties
) -> constants_pb2.Status:
    if any(value.index >= len(PROPERTIES) for value in command.props):
        return constants_pb2.InvalidArgument
    # set_property_values: any read-only property aborts the whole write.
    if any(
        PROPERTIES[value.index].flags & PROP_FLAG_READONLY for value in command.props
    ):
        return constants_pb2.InvalidArgument
    status = constants_pb2.Success
    for value in command.props:
        if PROPERTIES[value.index].type == PROP_TYPE_NODE_PARAMS:
            status = node.write_params(value.value)
            if status != constants_pb2.Success:
                break
    return status
