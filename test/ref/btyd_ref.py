# Reference values for test/test_bgnbd.c, test_gg.c, test_sbg.c (mpmath, 40 digits).
from mpmath import mp, mpf, loggamma, log, hyp2f1, beta, exp, nsum, inf, gamma, factorial, betainc, quad
mp.dps = 100

def bg_ll(r, al, a, b, x, tx, T, m=0):
    r, al, a, b, x, tx, T = map(mpf, (r, al, a, b, x, tx, T))
    A1 = loggamma(r + x) - loggamma(r) + r * log(al)
    A2 = loggamma(a + b) + loggamma(b + x + m) - loggamma(b) - loggamma(a + b + x + m)
    s = (al + T) ** (-(r + x))
    if x + m > 0:
        s += a / (b + x + m - 1) * (al + tx) ** (-(r + x))
    return A1 + A2 + log(s)

def bg_cond(r, al, a, b, t, x, tx, T, m=0):
    r, al, a, b, t, x, tx, T = map(mpf, (r, al, a, b, t, x, tx, T))
    if a == 1:
        a = mpf(1) + mpf(10) ** -50
    c = a + b + x + m - 1
    z = t / (al + T + t)
    num = c / (a - 1) * (1 - ((al + T) / (al + T + t)) ** (r + x) * hyp2f1(r + x, b + x + m, c, z))
    den = 1
    if x + m > 0:
        den += a / (b + x + m - 1) * ((al + T) / (al + tx)) ** (r + x)
    return num / den

def gg_ll(p, q, v, x, mm):
    p, q, v, x, mm = map(mpf, (p, q, v, x, mm))
    return (loggamma(p * x + q) - loggamma(p * x) - loggamma(q) + q * log(v)
            + (p * x - 1) * log(mm) + p * x * log(x) - (p * x + q) * log(x * mm + v))

def sbg_derl(al, be, d, n):
    al, be, d, n = map(mpf, (al, be, d, n))
    # brute-force sum: sum_{k>=0} E[(1-theta)^k | survived n] / (1+d)^k, theta ~ Beta(al, be+n) ... with the upcoming payment undiscounted
    return nsum(lambda k: beta(al, be + n + k + 1) / beta(al, be) / (beta(al, be + n) / beta(al, be)) / (1 + d) ** k, [0, inf])

P = (0.243, 4.414, 0.793, 2.426)
print("bg_ll cdnow x=2", mp.nstr(bg_ll(*P, 2, 30.43, 38.86), 20))
print("bg_ll x=0", mp.nstr(bg_ll(*P, 0, 0, 38.86), 20))
print("bg_ll x=1e5", mp.nstr(bg_ll(*P, 100000, 9000, 10000), 20))
print("mbg_ll x=2", mp.nstr(bg_ll(*P, 2, 30.43, 38.86, m=1), 20))
print("mbg_ll x=0", mp.nstr(bg_ll(*P, 0, 0, 38.86, m=1), 20))
print("bg E39", mp.nstr(bg_cond(*P, 39, 0, 0, 0), 20))
print("bg cond cdnow", mp.nstr(bg_cond(*P, 39, 2, 30.43, 38.86), 20))
print("mbg E39", mp.nstr(bg_cond(*P, 39, 0, 0, 0, m=1), 20))
print("mbg cond", mp.nstr(bg_cond(*P, 39, 2, 30.43, 38.86, m=1), 20))
for a in ("1", "1.0000001", "0.9996", "1.0007", "1.002"):
    Q = (0.243, 4.414, mpf(a), 2.426)
    print("bg E39 a=" + a, mp.nstr(bg_cond(*Q, 39, 0, 0, 0), 20))
    print("bg cond a=" + a, mp.nstr(bg_cond(*Q, 39, 2, 30.43, 38.86), 20))
    print("mbg cond a=" + a, mp.nstr(bg_cond(*Q, 39, 2, 30.43, 38.86, m=1), 20))
print("bg cond x=200", mp.nstr(bg_cond(*P, 52, 200, 300, 400), 20))
print("bg E t=1e4", mp.nstr(bg_cond(*P, 10000, 0, 0, 0), 20))
print("gg_ll", mp.nstr(gg_ll(6.25, 3.74, 15.44, 3, 25.5), 20))
print("gg_ll x=1e5", mp.nstr(gg_ll(6.25, 3.74, 15.44, 100000, 40.0), 20))
print("sbg derl n=0", mp.nstr(sbg_derl(0.704, 1.182, 0.1, 0), 20))
print("sbg derl n=4", mp.nstr(sbg_derl(0.668, 3.806, 0.1, 4), 20))
