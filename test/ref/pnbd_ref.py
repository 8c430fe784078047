#!/usr/bin/env python3
"""Reference values for test/test_pnbd.c, computed with mpmath at 50 digits.

Independent of the C code: the Pareto/NBD likelihood uses the Fader & Hardie
(2005) Gauss hypergeometric closed form (mpmath.hyp2f1), cross-checked against
direct numerical integration of the mixture integral; DERT uses mpmath.hyperu;
P(X(t) = n) uses the Fader & Hardie (2006) closed form, cross-checked against
direct integration. Run: python3 test/ref/pnbd_ref.py
"""
import mpmath as mp

mp.mp.dps = 50


def loglik_fh(r, al, s, be, x, tx, T):
    r, al, s, be, x, tx, T = map(mp.mpf, (r, al, s, be, x, tx, T))
    a = r + s + x
    if al >= be:
        def term(t):
            return mp.hyp2f1(a, s + 1, a + 1, (al - be) / (al + t)) / (al + t) ** a
    else:
        def term(t):
            return mp.hyp2f1(a, r + x, a + 1, (be - al) / (be + t), maxterms=10**7) / (be + t) ** a
    A0 = term(tx) - term(T)
    br = 1 / ((al + T) ** (r + x) * (be + T) ** s) + s / a * A0
    return mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be) + mp.log(br)


def loglik_quad(r, al, s, be, x, tx, T):
    r, al, s, be, x, tx, T = map(mp.mpf, (r, al, s, be, x, tx, T))
    t1 = (al + T) ** (-(r + x)) * (be / (be + T)) ** s
    # scaled by f(tx): mpmath.quad's tolerance is absolute
    f0 = s * be ** s * (be + tx) ** (-(s + 1)) * (al + tx) ** (-(r + x))
    f = lambda u: s * be ** s * (be + u) ** (-(s + 1)) * (al + u) ** (-(r + x)) / f0
    pts = [tx]
    w = min(al + tx, be + tx) / (r + x + s + 1) / 4
    k = 1
    while tx + w * k < T:
        pts.append(tx + w * k)
        k *= 2
    pts.append(T)
    I = f0 * mp.quad(f, pts) if tx < T else 0
    return mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + mp.log(t1 + I)


def log_palive(r, al, s, be, x, tx, T, ll):
    r, al, s, be, x, tx, T = map(mp.mpf, (r, al, s, be, x, tx, T))
    return (mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al) + s * mp.log(be)
            - (r + x) * mp.log(al + T) - s * mp.log(be + T) - ll)


def cond_exp(r, al, s, be, x, tx, T, t, ll):
    lp = log_palive(r, al, s, be, x, tx, T, ll)
    r, al, s, be, x, tx, T, t = map(mp.mpf, (r, al, s, be, x, tx, T, t))
    if s == 1:
        br = mp.log((be + T + t) / (be + T))
    else:
        br = (1 - ((be + T) / (be + T + t)) ** (s - 1)) / (s - 1)
    return mp.exp(lp) * (r + x) * (be + T) / (al + T) * br


def dert(r, al, s, be, x, tx, T, d, ll):
    r, al, s, be, x, tx, T, d = map(mp.mpf, (r, al, s, be, x, tx, T, d))
    return mp.exp(r * mp.log(al) + s * mp.log(be) + (s - 1) * mp.log(d) + mp.loggamma(r + x + 1)
                  - mp.loggamma(r) - (r + x + 1) * mp.log(al + T) - ll) * mp.hyperu(s, s, d * (be + T))


def pn_fh(r, al, s, be, n, t):
    r, al, s, be, t = map(mp.mpf, (r, al, s, be, t))
    x = n
    first = (mp.exp(mp.loggamma(r + x) - mp.loggamma(r) - mp.loggamma(x + 1))
             * (al / (al + t)) ** r * (t / (al + t)) ** x * (be / (be + t)) ** s)
    if al >= be:
        B1 = mp.hyp2f1(r + s, s + 1, r + s + x + 1, (al - be) / al) / al ** (r + s)
        B2 = lambda i: mp.hyp2f1(r + s + i, s + 1, r + s + x + 1, (al - be) / (al + t)) / (al + t) ** (r + s + i)
    else:
        B1 = mp.hyp2f1(r + s, r + x, r + s + x + 1, (be - al) / be) / be ** (r + s)
        B2 = lambda i: mp.hyp2f1(r + s + i, r + x, r + s + x + 1, (be - al) / (be + t)) / (be + t) ** (r + s + i)
    ssum = sum(mp.exp(mp.loggamma(r + s + i) - mp.loggamma(r + s) - mp.loggamma(i + 1)) * t ** i * B2(i)
               for i in range(0, x + 1))
    return first + al ** r * be ** s * mp.beta(r + x, s + 1) / mp.beta(r, s) * (B1 - ssum)


def pn_quad(r, al, s, be, n, t):
    r, al, s, be, t = map(mp.mpf, (r, al, s, be, t))
    x = n
    c = mp.exp(mp.loggamma(r + x) - mp.loggamma(r) - mp.loggamma(x + 1)) * al ** r
    first = t ** x * (al + t) ** (-(r + x)) * (be / (be + t)) ** s
    g = lambda u: u ** x * (al + u) ** (-(r + x)) * s * be ** s * (be + u) ** (-(s + 1))
    f0 = g(t)
    f = lambda u: g(u) / f0
    return c * (first + f0 * mp.quad(f, [0, min(al, be, t) / 2, t]))


LL_CASES = [
    # r, alpha, s, beta, x, tx, T
    (0.553, 10.578, 0.606, 11.669, 0, 0, 38.86),
    (0.553, 10.578, 0.606, 11.669, 2, 30.43, 38.86),
    (0.553, 10.578, 0.606, 11.669, 7, 35.0, 38.0),
    (0.553, 10.578, 0.606, 11.669, 1, 1.0, 30.0),
    (0.5, 5.0, 0.8, 5.0, 3, 10.0, 20.0),
    (0.5, 5.0 * (1 + 1e-9), 0.8, 5.0, 3, 10.0, 20.0),
    (0.5, 5.0 * (1 - 1e-9), 0.8, 5.0, 3, 10.0, 20.0),
    (0.7, 50.0, 0.4, 0.5, 0, 0, 30.0),
    (0.7, 50.0, 0.4, 0.5, 2, 1.0, 30.0),
    (0.7, 50.0, 0.4, 0.5, 5, 0.5, 40.0),
    (1.5, 0.3, 0.9, 40.0, 0, 0, 10.0),
    (1.5, 0.3, 0.9, 40.0, 3, 0.1, 20.0),
    (1.5, 0.3, 0.9, 40.0, 10, 2.0, 20.0),
    (0.5, 10.0, 0.6, 12.0, 100000, 30.0, 38.0),
    (0.5, 10.0, 0.6, 12.0, 100000, 1.0, 38.0),
    (0.5, 100.0, 0.6, 1.0, 100000, 0.5, 40.0),
    (0.6, 8.0, 1.0, 6.0, 4, 12.0, 40.0),
    (0.5, 10.0, 0.6, 12.0, 3, 20.0, 20.0),
    (0.01, 0.01, 0.01, 0.01, 2, 5.0, 30.0),
    (50.0, 500.0, 30.0, 300.0, 5, 10.0, 40.0),
    (0.3, 2000.0, 0.05, 0.001, 1, 0.2, 52.0),
    (0.3, 0.001, 0.5, 2000.0, 1, 0.2, 52.0),
]

PN_CASES = [
    (0.553, 10.578, 0.606, 11.669, 0, 39.0),
    (0.553, 10.578, 0.606, 11.669, 1, 39.0),
    (0.553, 10.578, 0.606, 11.669, 3, 39.0),
    (0.553, 10.578, 0.606, 11.669, 10, 39.0),
    (0.7, 50.0, 0.4, 0.5, 2, 30.0),
    (1.5, 0.3, 0.9, 40.0, 5, 20.0),
    (0.6, 8.0, 1.0, 6.0, 4, 52.0),
    (2.0, 3.0, 0.5, 3.0, 20, 10.0),
]


def main():
    print("/* {r, alpha, s, beta, x, tx, T, loglik, log P(alive), E[Y(10)], DERT(delta=0.01)} */")
    for c in LL_CASES:
        a = loglik_fh(*c)
        b = loglik_quad(*c)
        assert abs(a - b) < mp.mpf(10) ** -15 * (1 + abs(a)), (c, a, b)
        lp = log_palive(*c, a)
        ey = cond_exp(*c, 10.0, a)
        dv = dert(*c, 0.01, a)
        print("\t{%r, %r, %r, %r, %r, %r, %r, %s, %s, %s, %s}," % (
            c + (mp.nstr(a, 17), mp.nstr(lp, 17), mp.nstr(ey, 17), mp.nstr(dv, 17))))
    print("/* {r, alpha, s, beta, n, t, P(X(t) = n)} */")
    for c in PN_CASES:
        a = pn_fh(*c)
        b = pn_quad(*c)
        assert abs(a - b) < mp.mpf(10) ** -25, (c, a, b)
        print("\t{%r, %r, %r, %r, %r, %r, %s}," % (c + (mp.nstr(a, 17),)))
    print("/* {r, alpha, s, beta, t, E[X(t)]} */")
    for c in [(0.553, 10.578, 0.606, 11.669, 39.0), (0.553, 10.578, 1.0, 11.669, 39.0),
              (0.553, 10.578, 2.5, 11.669, 78.0)]:
        r, al, s, be, t = map(mp.mpf, c)
        v = r * be / al * mp.log(1 + t / be) if s == 1 else r * be / (al * (s - 1)) * (1 - (be / (be + t)) ** (s - 1))
        print("\t{%r, %r, %r, %r, %r, %s}," % (c + (mp.nstr(v, 17),)))


main()
