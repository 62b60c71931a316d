#!/usr/bin/python3
"""An independent PyTorch implementation of the Llama-family math, the oracle for lethe's model.

It shares no code with lethe: its own safetensors reader and writer (json + struct), its own
model written from the Hugging Face definitions (RMSNorm, rotate-half rotary embeddings with
rope_theta and "llama3"/"linear"/"dynamic"/"yarn" rope_scaling, grouped-query attention, SwiGLU, optional biases,
tied embeddings).

  make DIR SEED DTYPE   config.json in DIR -> random model.safetensors + inputs.safetensors
  run DIR               model + inputs -> expected.safetensors (logits, loss, grads, greedy;
                        and logits, loss, grads again without padding)
  compare DIR_A DIR_B   every tensor of both model directories bit-identical
  lora DIR ADAPTER      the model with a PEFT LoRA adapter directory (read by PEFT's key names and
                        adapter_config.json) -> DIR/lora_expected.safetensors: loss, the gradient of
                        every lora_A/lora_B under its PEFT key, and each merged weight W + (alpha/r) B A
  sam DIR RHO LR        one sharpness-aware step: the gradient at w + RHO g/||g|| (g the gradient at
                        w) and the weights after AdamW (LR, betas 0.9/0.95, weight decay 0.1) applies
                        it -> DIR/sam_expected.safetensors
  forget_losses DIR SEED BETA GAMMA UNDIAL_BETA
                        random logits, reference logits and tokens, and the NPO, SimNPO and UNDIAL
                        losses of methods.md with their gradients by the logits
                        -> DIR/forget_losses.safetensors
"""
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I64": torch.int64}
NAMES = {v: k for k, v in DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype) if end > begin else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"])
    return tensors


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        raw = t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class Config:
    def __init__(self, c):
        self.vocab = c["vocab_size"]
        self.hidden = c["hidden_size"]
        self.inter = c["intermediate_size"]
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c.get("num_key_value_heads") or self.heads
        self.head_dim = c.get("head_dim") or self.hidden // self.heads
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.theta = c.get("rope_theta", 10000.0)
        self.scaling = c.get("rope_scaling")
        self.max_positions = c.get("max_position_embeddings", 2048)
        self.tied = c.get("tie_word_embeddings", False)
        qwen2 = c.get("model_type") == "qwen2"
        self.qkv_bias = qwen2 or c.get("attention_bias", False)
        self.o_bias = (not qwen2) and c.get("attention_bias", False)
        self.mlp_bias = c.get("mlp_bias", False)


def parameter_shapes(cfg):
    shapes = {"model.embed_tokens.weight": (cfg.vocab, cfg.hidden), "model.norm.weight": (cfg.hidden,)}
    if not cfg.tied:
        shapes["lm_head.weight"] = (cfg.vocab, cfg.hidden)
    q, kv = cfg.heads * cfg.head_dim, cfg.kv_heads * cfg.head_dim
    for i in range(cfg.layers):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (cfg.hidden,)
        shapes[p + "post_attention_layernorm.weight"] = (cfg.hidden,)
        for name, rows in (("q", q), ("k", kv), ("v", kv)):
            shapes[p + f"self_attn.{name}_proj.weight"] = (rows, cfg.hidden)
            if cfg.qkv_bias:
                shapes[p + f"self_attn.{name}_proj.bias"] = (rows,)
        shapes[p + "self_attn.o_proj.weight"] = (cfg.hidden, q)
        if cfg.o_bias:
            shapes[p + "self_attn.o_proj.bias"] = (cfg.hidden,)
        shapes[p + "mlp.gate_proj.weight"] = (cfg.inter, cfg.hidden)
        shapes[p + "mlp.up_proj.weight"] = (cfg.inter, cfg.hidden)
        shapes[p + "mlp.down_proj.weight"] = (cfg.hidden, cfg.inter)
        if cfg.mlp_bias:
            shapes[p + "mlp.gate_proj.bias"] = (cfg.inter,)
            shapes[p + "mlp.up_proj.bias"] = (cfg.inter,)
            shapes[p + "mlp.down_proj.bias"] = (cfg.hidden,)
    return shapes


def inverse_frequencies(cfg, seq_len):
    """Inverse frequencies (D/2) and the factor on cos and sin, as transformers' modeling_rope_utils
    defines them; seq_len (longest position + 1) matters to "dynamic" only."""
    d = cfg.head_dim
    exponents = torch.arange(0, d, 2, dtype=torch.int64).float() / d
    inv = 1.0 / (cfg.theta ** exponents)
    s = cfg.scaling
    if not s:
        return inv, 1.0
    kind = s.get("rope_type", s.get("type"))
    if kind == "linear":
        return inv / s["factor"], 1.0
    if kind == "dynamic":
        factor, n = s["factor"], max(seq_len, cfg.max_positions)
        base = cfg.theta * ((factor * n / cfg.max_positions) - (factor - 1)) ** (d / (d - 2))
        return 1.0 / (base ** exponents), 1.0
    if kind == "yarn":
        return yarn(cfg, s, exponents)
    assert kind == "llama3", kind
    factor, low, high = s["factor"], s["low_freq_factor"], s["high_freq_factor"]
    old = s["original_max_position_embeddings"]
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > old / low, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * scaled / factor + smooth * scaled
    medium = ~(wavelen < old / high) & ~(wavelen > old / low)
    return torch.where(medium, smoothed, scaled), 1.0


def yarn(cfg, s, exponents):
    d, base, factor = cfg.head_dim, cfg.theta, s["factor"]
    context = s.get("original_max_position_embeddings") or cfg.max_positions

    def mscale(scale, m=1.0):
        return 1.0 if scale <= 1 else 0.1 * m * math.log(scale) + 1.0

    attention = s.get("attention_factor")
    if attention is None:
        if s.get("mscale") and s.get("mscale_all_dim"):
            attention = mscale(factor, s["mscale"]) / mscale(factor, s["mscale_all_dim"])
        else:
            attention = mscale(factor)

    def correction_dim(rotations):
        return (d * math.log(context / (rotations * 2 * math.pi))) / (2 * math.log(base))

    low, high = correction_dim(s.get("beta_fast") or 32), correction_dim(s.get("beta_slow") or 1)
    if s.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, d - 1)
    if low == high:
        high += 0.001
    ramp = ((torch.arange(d // 2, dtype=torch.float32) - low) / (high - low)).clamp(0, 1)
    pos_freqs = base ** exponents
    extrapolation_share = 1 - ramp
    inv = (1.0 / (factor * pos_freqs)) * (1 - extrapolation_share) + (1.0 / pos_freqs) * extrapolation_share
    return inv, attention


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))


def forward(cfg, w, tokens, mask, adapters=None, last_layer=None):
    """tokens, mask: (B,T) -> logits (B,T,V). mask 1 = token, 0 = padding. adapters: module path ->
    (A, B, scale), each adding scale * B A h to that projection. last_layer: the residual stream
    (B,T,C) after that decoder layer instead."""
    B, T = tokens.shape
    positions = (mask.cumsum(1) - 1).clamp(min=0).float()              # (B,T)
    inv, attention = inverse_frequencies(cfg, int(positions.max()) + 1)
    freqs = positions[..., None] * inv                                 # (B,T,D/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None] * attention, emb.sin()[:, None] * attention  # (B,1,T,D)
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    allowed = causal[None] & mask.bool()[:, None, :]                   # (B,T,T)
    allowed = allowed | torch.eye(T, dtype=torch.bool)[None]
    bias = torch.zeros(B, 1, T, T).masked_fill(~allowed[:, None], float("-inf"))
    x = w["model.embed_tokens.weight"][tokens]
    g = cfg.heads // cfg.kv_heads
    for i in range(cfg.layers):
        p = f"model.layers.{i}."
        def lin(h, n):
            y = torch.nn.functional.linear(h, w[p + n + ".weight"], w.get(p + n + ".bias"))
            if adapters and p + n in adapters:
                a, b, scale = adapters[p + n]
                y = y + scale * torch.nn.functional.linear(torch.nn.functional.linear(h, a), b)
            return y
        h = rms_norm(x, w[p + "input_layernorm.weight"], cfg.eps)
        q = lin(h, "self_attn.q_proj").view(B, T, cfg.heads, cfg.head_dim).transpose(1, 2)
        k = lin(h, "self_attn.k_proj").view(B, T, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        v = lin(h, "self_attn.v_proj").view(B, T, cfg.kv_heads, cfg.head_dim).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(g, dim=1), v.repeat_interleave(g, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(cfg.head_dim) + bias
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, cfg.heads * cfg.head_dim)
        x = x + lin(y, "self_attn.o_proj")
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], cfg.eps)
        x = x + lin(torch.nn.functional.silu(lin(h, "mlp.gate_proj")) * lin(h, "mlp.up_proj"), "mlp.down_proj")
        if i == last_layer:
            return x
    x = rms_norm(x, w["model.norm.weight"], cfg.eps)
    head = w["model.embed_tokens.weight"] if cfg.tied else w["lm_head.weight"]
    return x @ head.t()


def next_token_loss(logits, tokens, mask):
    """Mean cross-entropy of predicting token t+1 at t, over pairs where both are real tokens."""
    targets = tokens[:, 1:].masked_fill(~(mask[:, 1:].bool() & mask[:, :-1].bool()), -100)
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)


def greedy(cfg, w, prompt, steps):
    seq = prompt.clone()
    for _ in range(steps):
        logits = forward(cfg, w, seq, torch.ones_like(seq))
        seq = torch.cat((seq, logits[:, -1].argmax(-1, keepdim=True)), dim=1)
    return seq[:, prompt.shape[1]:]


def make(directory, seed, dtype):
    cfg = Config(json.load(open(f"{directory}/config.json")))
    gen = torch.Generator().manual_seed(int(seed))
    weights = {}
    for name, shape in parameter_shapes(cfg).items():
        if name.endswith("norm.weight"):
            t = 1.0 + 0.1 * torch.randn(shape, generator=gen)
        else:
            t = torch.randn(shape, generator=gen) * (0.5 / math.sqrt(shape[-1]) if len(shape) == 2 else 0.1)
        weights[name] = t.to(DTYPES[dtype])
    write_safetensors(f"{directory}/model.safetensors", weights)
    B, T = 3, 13
    tokens = torch.randint(0, cfg.vocab, (B, T), generator=gen)
    mask = torch.ones(B, T, dtype=torch.int64)
    mask[1, :4] = 0   # left padding
    mask[2, -3:] = 0  # right padding
    write_safetensors(f"{directory}/inputs.safetensors", {"tokens": tokens, "mask": mask})


def training_outputs(cfg, w, tokens, mask, prefix):
    """Logits, loss and the gradient of every weight, their names starting with prefix."""
    for v in w.values():
        v.grad = None
    logits = forward(cfg, w, tokens, mask)
    loss = next_token_loss(logits, tokens, mask)
    loss.backward()
    out = {prefix + "logits": logits.detach(), prefix + "loss": loss.detach().reshape(1)}
    out.update({prefix + "grad." + k: v.grad for k, v in w.items()})
    return out


def run(directory):
    cfg = Config(json.load(open(f"{directory}/config.json")))
    w = {k: v.float().requires_grad_(True) for k, v in read_safetensors(f"{directory}/model.safetensors").items()}
    inputs = read_safetensors(f"{directory}/inputs.safetensors")
    tokens, mask = inputs["tokens"], inputs["mask"]
    out = training_outputs(cfg, w, tokens, mask, "")
    out.update(training_outputs(cfg, w, tokens, torch.ones_like(mask), "unpadded."))
    with torch.no_grad():
        out["greedy"] = greedy(cfg, w, inputs["tokens"][:1, :5], 12)
    write_safetensors(f"{directory}/expected.safetensors", out)


def compare(dir_a, dir_b):
    a, b = read_safetensors(f"{dir_a}/model.safetensors"), read_safetensors(f"{dir_b}/model.safetensors")
    assert a.keys() == b.keys(), (sorted(a.keys() ^ b.keys()))
    for k in a:
        assert a[k].dtype == b[k].dtype and torch.equal(a[k], b[k]), k
    print(f"{len(a)} tensors identical")


def lora(directory, adapter_directory):
    cfg = Config(json.load(open(f"{directory}/config.json")))
    w = {k: v.float() for k, v in read_safetensors(f"{directory}/model.safetensors").items()}
    config = json.load(open(f"{adapter_directory}/adapter_config.json"))
    assert config["peft_type"] == "LORA" and config["task_type"] == "CAUSAL_LM", config
    scale = config["lora_alpha"] / config["r"]
    stored = {k: v.float().requires_grad_(True) for k, v in read_safetensors(f"{adapter_directory}/adapter_model.safetensors").items()}
    prefix, a_suffix, b_suffix = "base_model.model.", ".lora_A.weight", ".lora_B.weight"
    adapters = {}
    for key in stored:
        assert key.startswith(prefix) and key.endswith((a_suffix, b_suffix)), key
        if key.endswith(a_suffix):
            path = key[len(prefix):-len(a_suffix)]
            assert path.rsplit(".", 1)[1] in config["target_modules"], path
            a, b = stored[key], stored[prefix + path + b_suffix]
            assert a.shape == (config["r"], w[path + ".weight"].shape[1]) and b.shape == (w[path + ".weight"].shape[0], config["r"])
            adapters[path] = (a, b, scale)
    inputs = read_safetensors(f"{directory}/inputs.safetensors")
    tokens, mask = inputs["tokens"], inputs["mask"]
    loss = next_token_loss(forward(cfg, w, tokens, mask, adapters), tokens, mask)
    loss.backward()
    out = {"loss": loss.detach().reshape(1)}
    out.update({"grad." + k: v.grad for k, v in stored.items()})
    with torch.no_grad():
        out.update({"merged." + path + ".weight": w[path + ".weight"] + s * b @ a for path, (a, b, s) in adapters.items()})
    write_safetensors(f"{directory}/lora_expected.safetensors", out)


def sam(directory, rho, lr):
    cfg = Config(json.load(open(f"{directory}/config.json")))
    w = {k: v.float().requires_grad_(True) for k, v in read_safetensors(f"{directory}/model.safetensors").items()}
    inputs = read_safetensors(f"{directory}/inputs.safetensors")
    tokens, mask = inputs["tokens"], inputs["mask"]

    def gradients():
        for v in w.values():
            v.grad = None
        next_token_loss(forward(cfg, w, tokens, mask), tokens, mask).backward()

    gradients()
    norm = math.sqrt(sum(float(v.grad.norm()) ** 2 for v in w.values()))
    theta = {k: v.detach().clone() for k, v in w.items()}
    with torch.no_grad():
        for v in w.values():
            v.add_(v.grad * (float(rho) / (norm + 1e-12)))
    gradients()
    with torch.no_grad():
        for k, v in w.items():
            v.copy_(theta[k])
    out = {"grad." + k: v.grad.clone() for k, v in w.items()}
    torch.optim.AdamW(list(w.values()), lr=float(lr), betas=(0.9, 0.95), weight_decay=0.1).step()
    out.update({"updated." + k: v.detach().clone() for k, v in w.items()})
    write_safetensors(f"{directory}/sam_expected.safetensors", out)


def forget_losses(directory, seed, beta, gamma, undial_beta):
    gen = torch.Generator().manual_seed(int(seed))
    beta, gamma, undial_beta = float(beta), float(gamma), float(undial_beta)
    B, L, V = 3, 9, 11
    logits = (2 * torch.randn(B, L, V, generator=gen, dtype=torch.float64)).requires_grad_(True)
    reference = 2 * torch.randn(B, L, V, generator=gen, dtype=torch.float64)
    tokens = torch.randint(0, V, (B, L), generator=gen)
    targets = tokens[:, 1:]

    def summed_log_probability(z):  # per sequence, from the cross-entropy of each next token
        nll = torch.nn.functional.cross_entropy(z[:, :-1].transpose(1, 2), targets, reduction="none")
        return -nll.sum(-1)

    npo = -2 / beta * torch.nn.functional.logsigmoid(-beta * (summed_log_probability(logits) - summed_log_probability(reference))).mean()
    simnpo = -2 / beta * torch.nn.functional.logsigmoid(-beta * summed_log_probability(logits) / (L - 1) - gamma).mean()
    adjusted = reference[:, :-1] - undial_beta * torch.nn.functional.one_hot(targets, V)
    undial = -(adjusted.softmax(-1) * logits[:, :-1].log_softmax(-1)).sum(-1).mean()
    out = {"logits": logits.detach().float(), "reference_logits": reference.float(), "tokens": tokens}
    for name, loss in (("npo", npo), ("simnpo", simnpo), ("undial", undial)):
        (grad,) = torch.autograd.grad(loss, logits)
        out[name + ".loss"] = loss.detach().float().reshape(1)
        out[name + ".grad"] = grad.float()
    write_safetensors(f"{directory}/forget_losses.safetensors", out)


def rmu(base_directory, directory, layer, steering, alpha):
    """RMU's loss (Li et al. 2024) on the model in directory against the base: the forget tokens'
    residual stream after `layer` against steering * u, the retain tokens' against the base's; and
    its gradient by the MLP weights of layers layer-2 .. layer, the weights RMU trains."""
    cfg = Config(json.load(open(f"{directory}/config.json")))
    layer, steering, alpha = int(layer), float(steering), float(alpha)
    base = {k: v.float() for k, v in read_safetensors(f"{base_directory}/model.safetensors").items()}
    w = {k: v.float() for k, v in read_safetensors(f"{directory}/model.safetensors").items()}
    trained = [f"model.layers.{i}.mlp.{n}_proj.weight" for i in range(max(0, layer - 2), layer + 1)
               for n in ("gate", "up", "down")]
    for k in trained:
        w[k].requires_grad_(True)
    gen = torch.Generator().manual_seed(3)
    forget = torch.randint(0, cfg.vocab, (2, 9), generator=gen)
    retain = torch.randint(0, cfg.vocab, (3, 9), generator=gen)
    u = torch.rand(w["model.embed_tokens.weight"].shape[1], generator=gen)
    target = steering * u / u.norm()
    ones = torch.ones_like
    h_forget = forward(cfg, w, forget, ones(forget), last_layer=layer)
    h_retain = forward(cfg, w, retain, ones(retain), last_layer=layer)
    h_base = forward(cfg, base, retain, ones(retain), last_layer=layer)
    loss = (h_forget - target).pow(2).mean() + alpha * (h_retain - h_base).pow(2).mean()
    grads = torch.autograd.grad(loss, [w[k] for k in trained])
    out = {"forget": forget, "retain": retain, "target": target, "h_forget": h_forget.detach(),
           "loss": loss.detach().reshape(1)}
    out.update({"grad." + k: g for k, g in zip(trained, grads)})
    write_safetensors(f"{directory}/rmu_expected.safetensors", out)


if __name__ == "__main__":
    torch.set_num_threads(1)
    {"make": make, "run": run, "compare": compare, "lora": lora, "sam": sam, "forget_losses": forget_losses,
     "rmu": rmu}[sys.argv[1]](*sys.argv[2:])
