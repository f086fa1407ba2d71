from custom_components.esp_rainmaker.api.local.proto import constants_pb2 as _constants_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Iterable as _Iterable, Mapping as _Mapping, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class LocalCtrlMsgType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TypeCmdGetPropertyCount: _ClassVar[LocalCtrlMsgType]
    TypeRespGetPropertyCount: _ClassVar[LocalCtrlMsgType]
    TypeCmdGetPropertyValues: _ClassVar[LocalCtrlMsgType]
    TypeRespGetPropertyValues: _ClassVar[LocalCtrlMsgType]
    TypeCmdSetPropertyValues: _ClassVar[LocalCtrlMsgType]
    TypeRespSetPropertyValues: _ClassVar[LocalCtrlMsgType]
TypeCmdGetPropertyCount: LocalCtrlMsgType
TypeRespGetPropertyCount: LocalCtrlMsgType
TypeCmdGetPropertyValues: LocalCtrlMsgType
TypeRespGetPropertyValues: LocalCtrlMsgType
TypeCmdSetPropertyValues: LocalCtrlMsgType
TypeRespSetPropertyValues: LocalCtrlMsgType

class CmdGetPropertyCount(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class RespGetPropertyCount(_message.Message):
    __slots__ = ("status", "count")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    status: _constants_pb2.Status
    count: int
    def __init__(self, status: _Optional[_Union[_constants_pb2.Status, str]] = ..., count: _Optional[int] = ...) -> None: ...

class PropertyInfo(_message.Message):
    __slots__ = ("status", "name", "type", "flags", "value")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    status: _constants_pb2.Status
    name: str
    type: int
    flags: int
    value: bytes
    def __init__(self, status: _Optional[_Union[_constants_pb2.Status, str]] = ..., name: _Optional[str] = ..., type: _Optional[int] = ..., flags: _Optional[int] = ..., value: _Optional[bytes] = ...) -> None: ...

class CmdGetPropertyValues(_message.Message):
    __slots__ = ("indices",)
    INDICES_FIELD_NUMBER: _ClassVar[int]
    indices: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, indices: _Optional[_Iterable[int]] = ...) -> None: ...

class RespGetPropertyValues(_message.Message):
    __slots__ = ("status", "props")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROPS_FIELD_NUMBER: _ClassVar[int]
    status: _constants_pb2.Status
    props: _containers.RepeatedCompositeFieldContainer[PropertyInfo]
    def __init__(self, status: _Optional[_Union[_constants_pb2.Status, str]] = ..., props: _Optional[_Iterable[_Union[PropertyInfo, _Mapping]]] = ...) -> None: ...

class PropertyValue(_message.Message):
    __slots__ = ("index", "value")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    index: int
    value: bytes
    def __init__(self, index: _Optional[int] = ..., value: _Optional[bytes] = ...) -> None: ...

class CmdSetPropertyValues(_message.Message):
    __slots__ = ("props",)
    PROPS_FIELD_NUMBER: _ClassVar[int]
    props: _containers.RepeatedCompositeFieldContainer[PropertyValue]
    def __init__(self, props: _Optional[_Iterable[_Union[PropertyValue, _Mapping]]] = ...) -> None: ...

class RespSetPropertyValues(_message.Message):
    __slots__ = ("status",)
    STATUS_FIELD_NUMBER: _ClassVar[int]
    status: _constants_pb2.Status
    def __init__(self, status: _Optional[_Union[_constants_pb2.Status, str]] = ...) -> None: ...

class LocalCtrlMessage(_message.Message):
    __slots__ = ("msg", "cmd_get_prop_count", "resp_get_prop_count", "cmd_get_prop_vals", "resp_get_prop_vals", "cmd_set_prop_vals", "resp_set_prop_vals")
    MSG_FIELD_NUMBER: _ClassVar[int]
    CMD_GET_PROP_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESP_GET_PROP_COUNT_FIELD_NUMBER: _ClassVar[int]
    CMD_GET_PROP_VALS_FIELD_NUMBER: _ClassVar[int]
    RESP_GET_PROP_VALS_FIELD_NUMBER: _ClassVar[int]
    CMD_SET_PROP_VALS_FIELD_NUMBER: _ClassVar[int]
    RESP_SET_PROP_VALS_FIELD_NUMBER: _ClassVar[int]
    msg: LocalCtrlMsgType
    cmd_get_prop_count: CmdGetPropertyCount
    resp_get_prop_count: RespGetPropertyCount
    cmd_get_prop_vals: CmdGetPropertyValues
    resp_get_prop_vals: RespGetPropertyValues
    cmd_set_prop_vals: CmdSetPropertyValues
    resp_set_prop_vals: RespSetPropertyValues
    def __init__(self, msg: _Optional[_Union[LocalCtrlMsgType, str]] = ..., cmd_get_prop_count: _Optional[_Union[CmdGetPropertyCount, _Mapping]] = ..., resp_get_prop_count: _Optional[_Union[RespGetPropertyCount, _Mapping]] = ..., cmd_get_prop_vals: _Optional[_Union[CmdGetPropertyValues, _Mapping]] = ..., resp_get_prop_vals: _Optional[_Union[RespGetPropertyValues, _Mapping]] = ..., cmd_set_prop_vals: _Optional[_Union[CmdSetPropertyValues, _Mapping]] = ..., resp_set_prop_vals: _Optional[_Union[RespSetPropertyValues, _Mapping]] = ...) -> None: ...
