#!/usr/bin/env python3
"""Writes the fuzzer's seed inputs (test/fuzz_seeds/*.bin) in the layout that
test/fuzz_core.c decodes: the first byte mod 4 picks the target; a BTYD case is
a word (kind = 1 + word % 5) then x, tx, T, t, m and four parameters as 8-byte
big-endian doubles, each with its low 3 bits cleared (raw-bits mode). The
seeds start libFuzzer at typical and run-off cases instead of from nothing.
Run: python3 test/ref/fuzz_seeds.py"""
import os
import struct

SEED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz_seeds")


def raw(v):
    """8 bytes that NextDouble decodes as (almost exactly) v."""
    w = struct.unpack('>Q', struct.pack('>d', v))[0] & ~7
    return struct.pack('>Q', w)


def btyd(kind, x, tx, T, t, m, par):
    """A FuzzBtyd input: byte 0 is 0 (target 0), the word's value is kind - 1."""
    data = struct.pack('>Q', kind - 1)
    for v in (x, tx, T, t, m) + tuple(par):
        data += raw(v)
    return data


def decimal(top, mant_sign, exp_index):
    """A word in NextDouble's decimal mode: sign * (1 + 9 frac) * 10^(exp_index - 12);
    the top byte (here the target selector) is part of frac."""
    for low in range(1 << 11):
        w = (top << 56) | (low << 4) | (8 if mant_sign < 0 else 0) | 3
        if (w >> 4) % 25 == exp_index:
            return struct.pack('>Q', w)
    raise ValueError('no word')


def specfun(a_exp_index, a_sign, b, c, z):
    """A FuzzSpecfun input: a (first word, top byte 1: target 1) in decimal mode."""
    return decimal(1, a_sign, a_exp_index) + raw(b) + raw(c) + raw(z) + bytes(8)


CDNOW_BG = (0.243, 4.414, 0.793, 2.426)
CDNOW_PNBD = (0.553, 10.578, 0.606, 11.669)
SEEDS = {
    # ordinary: CDNOW fits, a customer with x = 2, tx = 30, T = 38 weeks
    'bgnbd-cdnow': btyd(1, 2, 30, 38, 39, 0.003, CDNOW_BG),
    'mbgnbd-cdnow': btyd(2, 2, 30, 38, 39, 0.003, (0.525, 6.183, 0.891, 1.614)),
    'pnbd-cdnow': btyd(3, 2, 30, 38, 39, 0.003, CDNOW_PNBD),
    'gg-cdnow': btyd(4, 3, 0, 0, 0, 35.0, (6.25, 3.74, 15.44, 0)),
    'sbg-cohort': btyd(5, 4, 0.3, 0, 7, 1000, (0.704, 1.182, 0, 0)),
    # heavy buyer
    'pnbd-heavy': btyd(3, 1e5, 77.9, 78, 52, 0.003, CDNOW_PNBD),
    'bgnbd-heavy': btyd(1, 1e5, 77.9, 78, 52, 0.003, CDNOW_BG),
    # data without heterogeneity: one mixing's parameters run off together
    'bgnbd-rate-runoff': btyd(1, 5, 40, 60, 39, 0.003, (8e11, 1e11, 0.8, 2.4)),
    'bgnbd-drop-runoff': btyd(1, 5, 40, 60, 39, 0.003, (0.24, 4.4, 1e12, 1.15e13)),
    'mbgnbd-rate-runoff': btyd(2, 5, 40, 60, 39, 0.003, (8e11, 1e11, 0.9, 1.6)),
    'pnbd-rate-runoff': btyd(3, 5, 40, 60, 39, 0.003, (8e11, 1e11, 0.6, 11.7)),
    'pnbd-drop-runoff': btyd(3, 5, 40, 60, 39, 0.003, (0.55, 10.6, 1e11, 1e13)),
    'gg-runoff': btyd(4, 3, 0, 0, 0, 35.0, (1e12, 3.74, 1e12, 0)),
    'sbg-runoff': btyd(5, 4, 0.3, 0, 7, 1000, (3e11, 7e11, 0, 0)),
    # alpha and beta far apart (Pareto/NBD quadrature path)
    'pnbd-far-apart': btyd(3, 3, 0.5, 60, 39, 0.003, (2.0, 1e-3, 0.6, 1e4)),
    # r tiny with b huge and t >> alpha + T (2F1 formulas cancel; was 10% above the bound)
    'bgnbd-tiny-r': btyd(1, 0, 0, 1e-5, 2.45, 0.003, (1e-8, 3.4e-9, 0.034, 3.4e5)),
    'mbgnbd-tiny-r': btyd(2, 0, 0, 1e-5, 2.45, 0.003, (1e-8, 3.4e-9, 0.034, 3.4e5)),
    # a + b < 1: a new customer's 2F1 has c < 0 (E[X(t)] failed)
    'bgnbd-ab-below-1': btyd(1, 0, 0, 1, 39, 0.003, (1.2, 3.1, 0.3, 0.4)),
    # upper incomplete gamma at s about -1e11, x = 1e9 (DERT with s, beta huge)
    'specfun-gamma-huge': specfun(23, -1, 1e9, 1.0, 0.5),
}


def main():
    for name, data in SEEDS.items():
        with open(os.path.join(SEED_DIR, name + '.bin'), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
