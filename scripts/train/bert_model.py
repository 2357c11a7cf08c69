"""A BERT encoder in PyTorch whose parameter names are exactly Hugging Face's
(BertModel under "bert.", BertForSequenceClassification's "classifier", BertForMaskedLM's
"cls.predictions"), so state_dict() is directly an HF checkpoint.  Post-LayerNorm blocks,
exact (erf) GELU, absolute positions, LayerNorm eps 1e-12 -- as transformers' BERT."""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

EPS = 1e-12


class Cfg:
    """heads / ffn: the unpruned layer shape (config.json's num_attention_heads /
    intermediate_size; head_dim = hidden / heads).  A structurally pruned model also has
    pruned_heads ({layer: [original head indices removed]}, HF's config field) and
    layer_ffn (each layer's FFN width, which HF and the runtime read from the weights)."""

    def __init__(self, vocab_size, hidden, layers, heads, ffn, max_pos=128, num_labels=7,
                 pruned_heads=None, layer_ffn=None):
        self.vocab_size, self.hidden, self.layers, self.heads = vocab_size, hidden, layers, heads
        self.ffn, self.max_pos, self.num_labels = ffn, max_pos, num_labels
        self.pruned_heads = {int(k): sorted(v) for k, v in (pruned_heads or {}).items()}
        self.layer_ffn = list(layer_ffn) if layer_ffn else [ffn] * layers
        self.layer_heads = [heads - len(self.pruned_heads.get(i, ())) for i in range(layers)]
        self.head_dim = hidden // heads

    def kwargs(self):
        """What make() / Cfg() needs to rebuild this shape (stored with the results)."""
        return dict(hidden=self.hidden, layers=self.layers, heads=self.heads, ffn=self.ffn,
                    pruned_heads={str(k): v for k, v in self.pruned_heads.items()},
                    layer_ffn=self.layer_ffn)


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden)
        self.position_embeddings = nn.Embedding(c.max_pos, c.hidden)
        self.token_type_embeddings = nn.Embedding(2, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=EPS)

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], device=ids.device)[None]
        x = self.word_embeddings(ids) + self.position_embeddings(pos)
        x = x + self.token_type_embeddings.weight[0]
        return self.LayerNorm(x)


class SelfAttn(nn.Module):
    def __init__(self, c, width):
        super().__init__()
        self.query = nn.Linear(c.hidden, width)
        self.key = nn.Linear(c.hidden, width)
        self.value = nn.Linear(c.hidden, width)


class AttnOut(nn.Module):
    def __init__(self, c, width):
        super().__init__()
        self.dense = nn.Linear(width, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=EPS)


class Attention(nn.Module):
    """Layer i keeps c.layer_heads[i] heads of c.head_dim each (all of them unless pruned)."""

    def __init__(self, c, i):
        super().__init__()
        self.heads, self.d = c.layer_heads[i], c.head_dim
        self.self = SelfAttn(c, self.heads * self.d)
        self.output = AttnOut(c, self.heads * self.d)

    def forward(self, x, mask_bias, head_mask=None):
        b, t, h = x.shape
        d = self.d

        def split(y):
            return y.view(b, t, self.heads, d).transpose(1, 2)
        q, k, v = split(self.self.query(x)), split(self.self.key(x)), split(self.self.value(x))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d) + mask_bias
        ctx = att.softmax(-1) @ v  # b, heads, t, d
        if head_mask is not None:
            ctx = ctx * head_mask.view(1, -1, 1, 1)
        ctx = ctx.transpose(1, 2).reshape(b, t, self.heads * d)
        return self.output.LayerNorm(x + self.output.dense(ctx))


class Intermediate(nn.Module):
    def __init__(self, c, width):
        super().__init__()
        self.dense = nn.Linear(c.hidden, width)


class Output(nn.Module):
    def __init__(self, c, width):
        super().__init__()
        self.dense = nn.Linear(width, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=EPS)


class Layer(nn.Module):
    def __init__(self, c, i):
        super().__init__()
        self.attention = Attention(c, i)
        self.intermediate = Intermediate(c, c.layer_ffn[i])
        self.output = Output(c, c.layer_ffn[i])

    def forward(self, x, mask_bias, head_mask=None, ffn_mask=None):
        x = self.attention(x, mask_bias, head_mask)
        hmid = F.gelu(self.intermediate.dense(x))
        if ffn_mask is not None:
            hmid = hmid * ffn_mask
        return self.output.LayerNorm(x + self.output.dense(hmid))


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c, i) for i in range(c.layers)])


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.hidden)


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = Pooler(c)


class Transform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=EPS)


class Predictions(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transform = Transform(c)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))


class MlmHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.predictions = Predictions(c)


class BertMultiTask(nn.Module):
    """BertForSequenceClassification + BertForMaskedLM sharing one encoder (the MLM
    decoder weight is tied to the word embeddings, as HF ties it)."""

    def __init__(self, c):
        super().__init__()
        self.c = c
        self.bert = Bert(c)
        self.classifier = nn.Linear(c.hidden, c.num_labels)
        self.cls = MlmHead(c)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)

    def hidden_states(self, ids, attn, head_masks=None, ffn_masks=None):
        mask_bias = (1.0 - attn[:, None, None, :].float()) * -1e4
        x = self.bert.embeddings(ids)
        for i, layer in enumerate(self.bert.encoder.layer):
            x = layer(x, mask_bias, None if head_masks is None else head_masks[i],
                      None if ffn_masks is None else ffn_masks[i])
        return x

    def classify(self, x):
        pooled = torch.tanh(self.bert.pooler.dense(x[:, 0]))
        return self.classifier(pooled)

    def mlm_logits(self, x):
        t = self.cls.predictions.transform
        y = t.LayerNorm(F.gelu(t.dense(x)))
        return y @ self.bert.embeddings.word_embeddings.weight.t() + self.cls.predictions.bias

    def hf_state_dict(self):
        """HF names; adds cls.predictions.decoder.{weight,bias} (tied copies) so both
        BertForSequenceClassification and BertForMaskedLM load every weight they need."""
        sd = {k: v for k, v in self.state_dict().items()}
        sd["cls.predictions.decoder.bias"] = sd["cls.predictions.bias"]
        return sd


def hf_config(c, id2label, architectures, extra=None):
    """config.json; a pruned shape adds HF's pruned_heads (the runtime and
    BertModel.prune_heads both index heads by their original position)."""
    cfg = {
        "architectures": architectures,
        "model_type": "bert",
        "vocab_size": c.vocab_size,
        "hidden_size": c.hidden,
        "num_hidden_layers": c.layers,
        "num_attention_heads": c.heads,
        "intermediate_size": c.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0,
        "max_position_embeddings": c.max_pos,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": EPS,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "classifier_dropout": None,
        "id2label": {str(i): l for i, l in enumerate(id2label)},
        "label2id": {l: i for i, l in enumerate(id2label)},
        "problem_type": "single_label_classification",
        "torch_dtype": "float16",
        "transformers_version": "4.44.0",
    }
    if c.pruned_heads:
        cfg["pruned_heads"] = {str(k): v for k, v in sorted(c.pruned_heads.items())}
    cfg.update(extra or {})
    return cfg


def load_hf_folder(folder, num_labels):
    """A BertMultiTask from an HF folder (e.g. what `pocketformer prune` wrote): head
    counts from config.json's pruned_heads, FFN widths from the weight shapes, as the
    runtime reads them.  Returns (model, config dict)."""
    import json
    import os
    import safetensors_io  # tests/reference, put on sys.path by common
    cfg = json.load(open(os.path.join(folder, "config.json"), encoding="utf-8"))
    tensors, _, _ = safetensors_io.read_file(os.path.join(folder, "model.safetensors"))
    layers = cfg["num_hidden_layers"]
    layer_ffn = [tensors["bert.encoder.layer.%d.intermediate.dense.weight" % i].shape[0]
                 for i in range(layers)]
    c = Cfg(cfg["vocab_size"], cfg["hidden_size"], layers, cfg["num_attention_heads"],
            cfg["intermediate_size"], cfg["max_position_embeddings"], num_labels,
            pruned_heads=cfg.get("pruned_heads"), layer_ffn=layer_ffn)
    m = BertMultiTask(c)
    sd = {k: torch.from_numpy(v.copy()).float() for k, v in tensors.items()
          if k != "cls.predictions.decoder.bias"}
    m.load_state_dict(sd)
    return m, cfg
