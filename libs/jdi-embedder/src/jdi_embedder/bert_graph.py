"""Build a BERT encoder ONNX graph straight from safetensors weights, without torch.

The graph maps (input_ids, attention_mask) to last_hidden_state; pooling happens
in the embedder so it stays visible and testable.
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # first opset with LayerNormalization


@dataclass(frozen=True)
class BertConfig:
    hidden_size: int
    num_heads: int
    num_layers: int
    layer_norm_eps: float

    @classmethod
    def from_hf_config(cls, config: dict[str, Any]) -> "BertConfig":
        return cls(
            hidden_size=config["hidden_size"],
            num_heads=config["num_attention_heads"],
            num_layers=config["num_hidden_layers"],
            layer_norm_eps=config["layer_norm_eps"],
        )


class _GraphBuilder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(numpy_helper.from_array(value, name))
        return name

    def op(self, op_type: str, *inputs: str, **attrs: Any) -> str:
        self._count += 1
        out = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [out], **attrs))
        return out


def build_bert_graph(weights: dict[str, np.ndarray], config: BertConfig) -> onnx.ModelProto:
    g = _GraphBuilder()
    head_dim = config.hidden_size // config.num_heads

    def linear(x: str, prefix: str) -> str:
        # torch Linear stores (out, in); MatMul wants (in, out).
        w = g.const(f"{prefix}.weight_t", np.ascontiguousarray(weights[f"{prefix}.weight"].T))
        b = g.const(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return g.op("Add", g.op("MatMul", x, w), b)

    def layer_norm(x: str, prefix: str) -> str:
        scale = g.const(f"{prefix}.weight", weights[f"{prefix}.weight"])
        bias = g.const(f"{prefix}.bias", weights[f"{prefix}.bias"])
        return g.op("LayerNormalization", x, scale, bias, axis=-1, epsilon=config.layer_norm_eps)

    axis0 = g.const("axis0", np.array(0, dtype=np.int64))
    axis1 = g.const("axis1", np.array(1, dtype=np.int64))
    one_i = g.const("one_i", np.array(1, dtype=np.int64))
    one_f = g.const("one_f", np.array(1.0, dtype=np.float32))
    split_heads = g.const("split_heads", np.array([0, 0, config.num_heads, head_dim], dtype=np.int64))
    merge_heads = g.const("merge_heads", np.array([0, 0, config.hidden_size], dtype=np.int64))
    mask_axes = g.const("mask_axes", np.array([1, 2], dtype=np.int64))
    scale = g.const("attn_scale", np.array(1.0 / math.sqrt(head_dim), dtype=np.float32))
    masked_value = g.const("masked_value", np.array(-10000.0, dtype=np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), dtype=np.float32))
    half = g.const("half", np.array(0.5, dtype=np.float32))

    # Embeddings: word + position + token type 0 (single-segment input).
    word = g.op("Gather", g.const("word_embeddings", weights["embeddings.word_embeddings.weight"]), "input_ids")
    seq_len = g.op("Gather", g.op("Shape", "input_ids"), axis1, axis=0)
    positions = g.op("Range", axis0, seq_len, one_i)
    position = g.op(
        "Gather", g.const("position_embeddings", weights["embeddings.position_embeddings.weight"]), positions
    )
    token_type = g.const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0])
    hidden = layer_norm(g.op("Add", g.op("Add", word, position), token_type), "embeddings.LayerNorm")

    # Additive mask (batch, 1, 1, seq): 0 for real tokens, -10000 for padding.
    mask = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    mask = g.op("Mul", g.op("Sub", one_f, g.op("Unsqueeze", mask, mask_axes)), masked_value)

    for i in range(config.num_layers):
        p = f"encoder.layer.{i}"
        q = g.op(
            "Transpose", g.op("Reshape", linear(hidden, f"{p}.attention.self.query"), split_heads), perm=[0, 2, 1, 3]
        )
        k = g.op(
            "Transpose", g.op("Reshape", linear(hidden, f"{p}.attention.self.key"), split_heads), perm=[0, 2, 3, 1]
        )
        v = g.op(
            "Transpose", g.op("Reshape", linear(hidden, f"{p}.attention.self.value"), split_heads), perm=[0, 2, 1, 3]
        )
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), mask)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge_heads)
        attention = linear(context, f"{p}.attention.output.dense")
        hidden = layer_norm(g.op("Add", attention, hidden), f"{p}.attention.output.LayerNorm")

        inner = linear(hidden, f"{p}.intermediate.dense")
        # Exact (erf) GELU, as BERT was trained with.
        inner = g.op("Mul", g.op("Mul", inner, half), g.op("Add", one_f, g.op("Erf", g.op("Div", inner, sqrt2))))
        output = linear(inner, f"{p}.output.dense")
        hidden = layer_norm(g.op("Add", output, hidden), f"{p}.output.LayerNorm")

    g.nodes.append(helper.make_node("Identity", [hidden], ["last_hidden_state"]))
    graph = helper.make_graph(
        g.nodes,
        "bert_encoder",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        outputs=[
            helper.make_tensor_value_info(
                "last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", config.hidden_size]
            )
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
