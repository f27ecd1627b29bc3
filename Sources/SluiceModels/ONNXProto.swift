// Decoded onnx.proto messages (only the fields scoring needs; others are skipped).
// Field numbers are those of the official onnx/onnx.proto (IR version 3-10).

struct ONNXOpset: Sendable { var domain = ""; var version: Int64 = 0 }

struct ONNXModelProto: Sendable {
    var irVersion: Int64 = 0
    var opsets: [ONNXOpset] = []
    var producerName = ""
    var graph: ONNXGraphProto?

    init(bytes: [UInt8]) throws(ModelError) {
        var r = ProtobufReader(bytes: bytes, message: "ModelProto")
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .varint, field: field); irVersion = try r.readInt64()
            case 2: try r.expect(wire, .lengthDelimited, field: field); producerName = try r.readString()
            case 7: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("GraphProto")
                graph = try ONNXGraphProto(&sub)
            case 8: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("OperatorSetIdProto")
                var opset = ONNXOpset()
                while let (f, w) = try sub.nextField() {
                    switch f {
                    case 1: try sub.expect(w, .lengthDelimited, field: f); opset.domain = try sub.readString()
                    case 2: try sub.expect(w, .varint, field: f); opset.version = try sub.readInt64()
                    default: try sub.skip(w)
                    }
                }
                opsets.append(opset)
            default: try r.skip(wire)
            }
        }
    }
}

struct ONNXGraphProto: Sendable {
    var nodes: [ONNXNodeProto] = []
    var name = ""
    var initializers: [ONNXTensorProto] = []
    var inputs: [ONNXValueInfo] = []
    var outputs: [ONNXValueInfo] = []

    init(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("NodeProto")
                nodes.append(try ONNXNodeProto(&sub))
            case 2: try r.expect(wire, .lengthDelimited, field: field); name = try r.readString()
            case 5: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("TensorProto")
                initializers.append(try ONNXTensorProto(&sub))
            case 11, 12: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("ValueInfoProto")
                let info = try ONNXValueInfo(&sub)
                if field == 11 { inputs.append(info) } else { outputs.append(info) }
            case 15:
                throw ModelError(.unsupported, "sparse initializers are not supported", detail: "GraphProto.sparse_initializer")
            default: try r.skip(wire)
            }
        }
    }
}

struct ONNXNodeProto: Sendable {
    var inputs: [String] = []
    var outputs: [String] = []
    var name = ""
    var opType = ""
    var domain = ""
    var attributes: [ONNXAttribute] = []

    init(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .lengthDelimited, field: field); inputs.append(try r.readString())
            case 2: try r.expect(wire, .lengthDelimited, field: field); outputs.append(try r.readString())
            case 3: try r.expect(wire, .lengthDelimited, field: field); name = try r.readString()
            case 4: try r.expect(wire, .lengthDelimited, field: field); opType = try r.readString()
            case 5: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("AttributeProto")
                attributes.append(try ONNXAttribute(&sub))
            case 7: try r.expect(wire, .lengthDelimited, field: field); domain = try r.readString()
            default: try r.skip(wire)
            }
        }
    }
}

struct ONNXAttribute: Sendable {
    /// AttributeProto.AttributeType values.
    enum Kind: Int32 { case undefined = 0, float = 1, int = 2, string = 3, tensor = 4, graph = 5,
                       floats = 6, ints = 7, strings = 8, tensors = 9, graphs = 10 }
    var name = ""
    var type: Int32 = 0
    var f: Float?
    var i: Int64?
    var s: [UInt8]?
    var t: ONNXTensorProto?
    var floats: [Float] = []
    var ints: [Int64] = []
    var strings: [[UInt8]] = []

    init(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .lengthDelimited, field: field); name = try r.readString()
            case 2: try r.expect(wire, .fixed32, field: field); f = Float(bitPattern: try r.readFixed32())
            case 3: try r.expect(wire, .varint, field: field); i = try r.readInt64()
            case 4: try r.expect(wire, .lengthDelimited, field: field); s = try r.readBytes()
            case 5: try r.expect(wire, .lengthDelimited, field: field)
                var sub = try r.readMessage("TensorProto")
                t = try ONNXTensorProto(&sub)
            case 7: try r.appendFloats(wire, field: field, into: &floats)
            case 8: try r.appendVarints(wire, field: field, into: &ints)
            case 9: try r.expect(wire, .lengthDelimited, field: field); strings.append(try r.readBytes())
            case 20: try r.expect(wire, .varint, field: field); type = try r.readInt32()
            default: try r.skip(wire)
            }
        }
    }
}

struct ONNXTensorProto: Sendable {
    var dims: [Int64] = []
    var dataType: Int32 = 0
    var floatData: [Float] = []
    var int32Data: [Int64] = []
    var int64Data: [Int64] = []
    var doubleData: [Double] = []
    var uint64Data: [Int64] = []
    var rawData: [UInt8]?
    var name = ""
    var external = false

    init(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.appendVarints(wire, field: field, into: &dims)
            case 2: try r.expect(wire, .varint, field: field); dataType = try r.readInt32()
            case 4: try r.appendFloats(wire, field: field, into: &floatData)
            case 5: try r.appendVarints(wire, field: field, into: &int32Data)
            case 7: try r.appendVarints(wire, field: field, into: &int64Data)
            case 8: try r.expect(wire, .lengthDelimited, field: field); name = try r.readString()
            case 9: try r.expect(wire, .lengthDelimited, field: field); rawData = try r.readBytes()
            case 10: try r.appendDoubles(wire, field: field, into: &doubleData)
            case 11: try r.appendVarints(wire, field: field, into: &uint64Data)
            case 14: try r.expect(wire, .varint, field: field); external = try r.readInt64() == 1
            default: try r.skip(wire)
            }
        }
    }
}

struct ONNXValueInfo: Sendable {
    var name = ""
    var elemType: Int32 = 0
    /// Dimensions; nil for a symbolic or unknown dimension.
    var dims: [Int64?]?

    init(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .lengthDelimited, field: field); name = try r.readString()
            case 2: try r.expect(wire, .lengthDelimited, field: field)
                var type = try r.readMessage("TypeProto")
                while let (f, w) = try type.nextField() {
                    guard f == 1 else { try type.skip(w); continue }
                    try type.expect(w, .lengthDelimited, field: f)
                    var tensor = try type.readMessage("TypeProto.Tensor")
                    try readTensorType(&tensor)
                }
            default: try r.skip(wire)
            }
        }
    }

    private mutating func readTensorType(_ r: inout ProtobufReader) throws(ModelError) {
        while let (field, wire) = try r.nextField() {
            switch field {
            case 1: try r.expect(wire, .varint, field: field); elemType = try r.readInt32()
            case 2: try r.expect(wire, .lengthDelimited, field: field)
                var shape = try r.readMessage("TensorShapeProto")
                var dims = [Int64?]()
                while let (f, w) = try shape.nextField() {
                    guard f == 1 else { try shape.skip(w); continue }
                    try shape.expect(w, .lengthDelimited, field: f)
                    var dim = try shape.readMessage("TensorShapeProto.Dimension")
                    var value: Int64?
                    while let (df, dw) = try dim.nextField() {
                        if df == 1 { try dim.expect(dw, .varint, field: df); value = try dim.readInt64() } else { try dim.skip(dw) }
                    }
                    dims.append(value)
                }
                self.dims = dims
            default: try r.skip(wire)
            }
        }
    }
}
