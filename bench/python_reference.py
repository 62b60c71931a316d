#!/usr/bin/python3
"""The benchmark's baseline: the same Llama model written the usual way in Python PyTorch
(nn.Module, as in Hugging Face's modeling code), timed on the same shapes and thread count.
Prints one JSON line: tokens_per_second, seconds_per_step."""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        x32 = x.float()
        return self.weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, self.h, self.hd = c["hidden_size"], c["num_attention_heads"], c["hidden_size"] // c["num_attention_heads"]
        self.q_proj, self.k_proj, self.v_proj, self.o_proj = (nn.Linear(d, d, bias=False) for _ in range(4))
        self.gate_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(c["intermediate_size"], d, bias=False)
        self.norm1, self.norm2 = RMSNorm(d, c.get("rms_norm_eps", 1e-6)), RMSNorm(d, c.get("rms_norm_eps", 1e-6))

    def forward(self, x, cos, sin, future):
        B, T, C = x.shape
        h = self.norm1(x)
        q = self.q_proj(h).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(B, T, self.h, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(B, T, self.h, self.hd).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        att = att.masked_fill(future, float("-inf")).softmax(-1)
        x = x + self.o_proj((att @ v).transpose(1, 2).reshape(B, T, C))
        h = self.norm2(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c.get("rms_norm_eps", 1e-6))
        hd = c["hidden_size"] // c["num_attention_heads"]
        self.inv_freq = 1.0 / (c.get("rope_theta", 10000.0) ** (torch.arange(0, hd, 2).float() / hd))

    def forward(self, tokens):
        T = tokens.shape[1]
        freqs = torch.arange(T).float()[:, None] * self.inv_freq
        emb = torch.cat((freqs, freqs), -1)
        cos, sin = emb.cos(), emb.sin()
        future = torch.ones(T, T, dtype=torch.bool).triu(1)
        x = self.embed(tokens)
        for layer in self.layers:
            x = layer(x, cos, sin, future)
        return self.norm(x) @ self.embed.weight.t()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["train", "forward"])
    p.add_argument("--config")
    p.add_argument("--batch", type=int)
    p.add_argument("--sequence", type=int)
    p.add_argument("--threads", type=int)
    p.add_argument("--seconds", type=float)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    c = json.loads(a.config)
    model = Llama(c)
    for module in model.modules():  # initialised as lethe does, and Hugging Face's _init_weights
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, 0.0, 0.02)
    tokens = torch.randint(0, c["vocab_size"], (a.batch, a.sequence))
    if a.mode == "train":
        opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

        def step():
            opt.zero_grad()
            logits = model(tokens)
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
            loss.backward()
            opt.step()
    else:
        model.eval()

        def step():
            with torch.no_grad():
                model(tokens)
    step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < a.seconds or steps < 3:
        step()
        steps += 1
    elapsed = time.perf_counter() - start
    print(json.dumps({"tokens_per_second": steps * a.batch * a.sequence / elapsed, "seconds_per_step": elapsed / steps}))


if __name__ == "__main__":
    main()
