"""The commands of esp_local_ctrl: count the properties, read and write their values.

espressif/esp-idf components/esp_local_ctrl/proto/esp_local_ctrl.proto and
src/esp_local_ctrl_handler.c: the answer's type is the command's plus one, and a
status tells whether the node carried the command out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError

from .errors import LocalCommandError, LocalProtocolError
from .proto import constants_pb2, esp_local_ctrl_pb2 as pb

# esp-rainmaker components/esp_rainmaker/src/core/esp_rmaker_local_ctrl.c
CONFIG_PROPERTY = "config"
PARAMS_PROPERTY = "params"


@dataclass(frozen=True, slots=True)
class Property:
    """A property as the node describes it, with its value."""

    index: int
    name: str
    type: int
    flags: int
    value: bytes = field(repr=False)


def count_command() -> bytes:
    """Ask how many properties the node has."""
    return pb.LocalCtrlMessage(
        msg=pb.TypeCmdGetPropertyCount, cmd_get_prop_count=pb.CmdGetPropertyCount()
    ).SerializeToString()


def values_command(indices: Sequence[int]) -> bytes:
    """Ask for the properties at `indices`, values included."""
    return pb.LocalCtrlMessage(
        msg=pb.TypeCmdGetPropertyValues,
        cmd_get_prop_vals=pb.CmdGetPropertyValues(indices=list(indices)),
    ).SerializeToString()


def set_command(index: int, value: bytes) -> bytes:
    """Write `value` to the property at `index`."""
    return pb.LocalCtrlMessage(
        msg=pb.TypeCmdSetPropertyValues,
        cmd_set_prop_vals=pb.CmdSetPropertyValues(
            props=[pb.PropertyValue(index=index, value=value)]
        ),
    ).SerializeToString()


def _answer(data: bytes, kind: int, payload: str) -> pb.LocalCtrlMessage:
    message = pb.LocalCtrlMessage()
    try:
        message.ParseFromString(data)
    except DecodeError as err:
        raise LocalProtocolError("the node's answer is not protobuf") from err
    if message.msg != kind or message.WhichOneof("payload") != payload:
        raise LocalProtocolError("the node answered another command")
    return message


def _check(status: int, what: str) -> None:
    if status != constants_pb2.Success:
        name = (
            constants_pb2.Status.Name(status)
            if status in constants_pb2.Status.values()
            else str(status)
        )
        raise LocalCommandError(f"the node refused to {what}: {name}", name)


def read_count(data: bytes) -> int:
    """Return the number of properties from the node's answer."""
    answer = _answer(data, pb.TypeRespGetPropertyCount, "resp_get_prop_count")
    _check(answer.resp_get_prop_count.status, "count its properties")
    return answer.resp_get_prop_count.count


def read_values(data: bytes, indices: Sequence[int]) -> list[Property]:
    """Return the properties the node sent for `indices`, in order."""
    answer = _answer(data, pb.TypeRespGetPropertyValues, "resp_get_prop_vals")
    values = answer.resp_get_prop_vals
    _check(values.status, "read properties")
    if len(values.props) != len(indices):
        raise LocalProtocolError("the node sent another number of properties")
    return [
        Property(index, prop.name, prop.type, prop.flags, prop.value)
        for index, prop in zip(indices, values.props, strict=True)
    ]


def read_set(data: bytes) -> None:
    """Check the node carried a write out."""
    answer = _answer(data, pb.TypeRespSetPropertyValues, "resp_set_prop_vals")
    _check(answer.resp_set_prop_vals.status, "write the property")
