#!/usr/bin/env python3
"""Reference values for test/test_ratetest.c, computed with mpmath at 30 digits.

Run from the repository root:  python3 test/ref/ratetest_ref.py
and paste the output between the BEGIN/END REFERENCE markers of test/test_ratetest.c.
Under equal rates K1 | n ~ Binomial(n, p), p = t1 / (t0 + t1); the p-values
P(K1 <= k1) (dropped) and P(K1 >= k1) (rose) are brute-force sums of binomial
terms at 40 digits (mpmath's betainc does not converge for n ~ 1e7).
"""
import mpmath as mp

mp.mp.dps = 30

cases = [
    # k_recent, t_recent, k_base, t_base
    (0.0, 1.0, 10000.0, 1.0),
    (3.0, 7.0, 120.0, 90.0),
    (40.0, 30.0, 1500.0, 365.0),
    (4990000.0, 1.0, 5000000.0, 1.0),
    (4000000.0, 2.5, 6000000.0, 3.0),
    (1234567.0, 0.1, 8765432.0, 0.9),
    (9999000.0, 1.0, 1000.0, 1e-3),
    (1.0, 1e-6, 9999999.0, 1.0),
    (500.0, 1.0, 500.0, 1.0),
    (2.0, 1.0, 3e9, 1e6),
    (300000.0, 1.0, 7e8, 1e6),
    (2000.0, 1.0, 7e8, 1e6),
]



def log_pmf(j, n, p, q):
    return (mp.loggamma(n + 1) - mp.loggamma(j + 1) - mp.loggamma(n - j + 1)
            + j * mp.log(p) + (n - j) * mp.log(q))


def tail_sum(k, n, p, q, direction):
    """Brute-force sum of P(K = j) for j = k, k+direction, ... until negligible (40 digits)."""
    term = mp.exp(log_pmf(k, n, p, q))
    total = term
    j = k
    while True:
        if direction < 0:
            if j <= 0:
                break
            term *= j / (n - j + 1) * q / p
        else:
            if j >= n:
                break
            term *= (n - j) / (j + 1) * p / q
        j += direction
        total += term
        if term < total * mp.mpf(10) ** -45 and ((direction < 0 and j < n * p) or (direction > 0 and j > n * p)):
            break
    return total


def lower_tail(k, n, p, q):
    """P(K <= k): summed directly below the mean, as 1 - P(K > k) above it."""
    if k >= n:
        return mp.mpf(1)
    if k <= n * p:
        return tail_sum(k, n, p, q, -1)
    return 1 - tail_sum(k + 1, n, p, q, +1)


mp.mp.dps = 40
rows = []
for k1, t1, k0, t0 in cases:
    n = mp.mpf(k1 + k0)
    T1, T0 = mp.mpf(t1), mp.mpf(t0)
    p = T1 / (T0 + T1)
    q = T0 / (T0 + T1)
    K1 = mp.mpf(k1)
    low = lower_tail(K1, n, p, q)
    # P(K >= k) = P(n - K <= n - k), n - K ~ Binomial(n, q)
    high = mp.mpf(1) if k1 <= 0 else lower_tail(n - K1, n, q, p)
    rows.append("\t{%r, %r, %r, %r, %s, %s}," % (k1, t1, k0, t0,
                mp.nstr(mp.log(low), 25), mp.nstr(mp.log(high), 25)))

print("/* k_recent, t_recent, k_base, t_base, log P(dropped), log P(rose) */")
print("static const double ref_rate[][6] = {")
print("\n".join(rows))
print("};")
