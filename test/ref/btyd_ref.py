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

# sBG DERL with a tiny discount rate (test_sbg.c): z = 1/(1+d) near 1
for al, be, n, d in [(0.7, 1.3, 2, 1e-9), (0.7, 1.3, 2, 1e-6), (3.5, 1.3, 0, 1e-9)]:
    al, be, d = mpf(al), mpf(be), mpf(float(d))
    print("sbg_derl", al, be, n, d, mp.nstr((be + n) / (al + be + n) * hyp2f1(1, be + n + 1, al + be + n + 1, 1 / (1 + d)), 20))

# --- BG/NBD alive expectation without the direct 2F1 (TestAliveHard) ---
# E_p[(1 - (1+p w)^-s) / p], p ~ Beta(a, B), s = r+x, B = b+x+m, w = t/(alpha+T):
# by the 1-z connection formula (A&S 15.3.6) at 80 digits where its series are
# short (K u/(u+t) < 40) and a-1-s is not an integer, by mpmath's 2F1 at 60
# digits where B < 1, else by quadrature over log p (30 digits).
def bg_alive_conn(s, a, B, u, t):
    with mp.workdps(80):
        K = a + B - 1; nu = u / (u + t); L = log(1 + t / u); mu = a - 1 - s
        l1 = loggamma(K) - loggamma(K - s) + log(gamma(mu) / gamma(a - 1)) - s * L
        g1 = hyp2f1(s, B, 1 - mu, nu) - 1
        t2 = exp((1 - a) * L + loggamma(K) - loggamma(B)) * gamma(-mu) / gamma(s) * hyp2f1(K - s, a - 1, a - s, nu)
        return mp.re(K / (a - 1) * (-mp.expm1(l1) - exp(l1) * g1 - t2))

def bg_alive_quad(s, a, B, u, t):
    with mp.workdps(30):
        w = t / u; lB = log(beta(a, B))
        f = lambda v: -mp.expm1(-s * mp.log1p(exp(v) * w)) * exp((a - 1) * v + (B - 1) * mp.log1p(-exp(v)) - lB)
        c = -log(B / a)
        pts = sorted(set([mpf(k) for k in range(-1200, 0, 25)] + [c + k for k in range(-40, 8)] + [mpf(0)]))
        # below p = e^-1200, (1 - (1+pw)^-s)/p = s w (a tiny leaves mass there)
        tail = s * w * betainc(a, B, 0, exp(mpf(-1200)), regularized=True)
        return quad(f, [p for p in pts if p <= 0 and p >= -1200]) + tail

def bg_cond_hard(r, al, a, b, t, x, tx, T, m=0):
    r, al, a, b, t, x, tx, T = [mpf(float(v)) for v in (r, al, a, b, t, x, tx, T)]
    s = r + x; B = b + x + m; u = al + T; K = a + B - 1; mu = a - 1 - s
    if K > s and a != 1 and K * u / (u + t) < 40 and abs(mu - mp.nint(mu)) > 1e-6:
        e = bg_alive_conn(s, a, B, u, t)
    elif B < 1:
        # (1-p)^(B-1) at p = 1 defeats the quadrature: mpmath's own 2F1 (c = K may be < 0)
        with mp.workdps(60):
            return bg_cond(r, al, a, b, t, x, tx, T, m)
    else:
        e = bg_alive_quad(s, a, B, u, t)
    den = 1
    if x + m > 0:
        den += a / (b + x + m - 1) * ((al + T) / (al + tx)) ** (r + x)
    return e / den

HARD = [(1e-8, 3.4e-9, 0.034, 3.4e5, 2.45, 0, 0, 1e-5, 0), (1e-8, 3.4e-9, 0.034, 3.4e5, 2.45, 0, 0, 1e-5, 1)]
for s_ in (1e-12, 1e-4):
    for a_ in (0.5, 1.002, 3.0):
        for b_ in (100.0, 1e8):
            for w_ in (100.0, 1e8):
                HARD.append((s_, 1.0, a_, b_, w_ * 1.5, 0, 0, 0.5, 0))
for s_ in (1e-12, 0.3):
    HARD.append((s_, 1.0, 1.0, 100.0, 150.0, 0, 0, 0.5, 0))
    HARD.append((s_, 1.0, 1.0, 1e8, 1.5e8, 0, 0, 0.5, 0))
for a_ in (0.9, 2.0):
    for b_ in (1e4, 1e10):
        for t_ in (1e3, 1e7):
            HARD.append((1e-6, 1e-3, a_, b_, t_, 3, 20.0, 30.0, 1))
for t_ in (1.0, 39.0, 1000.0):
    HARD.append((1.2, 3.1, 0.3, 0.4, t_, 0, 0, 0, 0))
for b_ in (10.0, 1e6):
    for t_ in (100.0, 1e5):
        HARD.append((0.5, 2.0, 1.5, b_, t_, 2, 10.0, 20.0, 0))
# a + b < 1 with b tiny: the density piles up at p = 1 (the quadrature's right end)
for a_ in (0.05, 0.5, 0.9):
    for b_ in (0.001, 0.01):
        for t_ in (39.0, 1e6):
            HARD.append((1.2, 3.1, a_, b_, t_, 0, 0, 0, 0))
# r tiny, dropout near-certain (a >> b): log 2F1 ~ 1e-18 must keep its digits (the fast
# series summed 1 + tail and stopped at 1e-17 of 1); mpmath's 2F1 directly
for h in [(1.2470589303986764e-12, 12470588.235294109, 12470588.235294109, 124705.88093225851, 15625000.147258526),
          (1e-15, 1, 1e7, 1e5, 1.25), (1e-14, 1, 1e4, 1e2, 2), (1e-12, 1, 100, 1, 1.25)]:
    with mp.workdps(60):
        print("TinyLf", h, mp.nstr(bg_cond(*h, 0, 0, 0), 20))
# r+x above a-1 with t >> alpha+T, and a = 1 + 8e-7 (TestAliveHard, "SlowCases")
with mp.workdps(60):
    print("SlowCases", mp.nstr(bg_cond(6.615592308692409, 0.11634116644647884, 2.27750063177421, 5692.509643215442,
                                       1028604.4, 0, 0, 28.647, m=1), 20),
          mp.nstr(bg_cond(115.30497068225192, 5.281012820646203, 1.0000007712825576, 0.09897472674349012,
                          8274289.8, 2, 300, 718.0, m=1), 20))
# the connection formula's traps (TestAliveHard): alive expectations by mpmath's 2F1
def bg_alive_direct(r, al, a, b, m, x, T, t):
    with mp.workdps(60):
        r, al, a, b, x, T, t = [mpf(float(v)) for v in (r, al, a, b, x, T, t)]
        s = r + x; B = b + x + m; K = a + B - 1; u = al + T; z = t / (u + t)
        return K / (a - 1) * (1 - (u / (u + t)) ** s * hyp2f1(s, B, K, z))
for h in [(7.9882352941176464e-09, 7.9882352941176464e-09, 7.9882350172153953e-11, 2, 0, 0, 0, 0.10000000016270745),
          (1.7578606870887206e-11, 9.9117317632742825, 3.103420193093357e-11, 0.0078014390488233692, 0, 1,
           0.0046990387106599042, 13.10712279198888),
          (1.2879636417178983e-05, 8.8431545340502081e-08, 10.574893126854409, 63.984801077732897, 1, 959,
           0.00031455155834292646, 0.0004644934623444138)]:
    print("ConnTraps", mp.nstr(bg_alive_direct(*h), 20))
for b_ in (1e13, 1e14, 1e15, 1e17):
    print("TestHugeB", b_, mp.nstr(bg_cond_hard(8e11, 8, 1e-3, b_, 35840, 0, 0, 0, 0), 20))
for h in HARD:
    v = bg_cond_hard(*h)
    print("{%s, %s}," % (", ".join(repr(float(q)) for q in h), mp.nstr(v, 20)))

# log I_z(a, b) with b tiny (TestTinyRProbN): I_z is O(b)
for a, b, z in [(1.0, 6.2353397144990802e-11, 49 / 53.), (2.0, 6.2353397144990802e-11, 49 / 53.),
                (5.0, 1e-9, 0.99), (1.0, 1e-3, 0.7), (3.0, 1e-14, 0.5)]:
    with mp.workdps(50):
        print("log_betainc", a, b, z, mp.nstr(log(betainc(mpf(a), mpf(b), 0, mpf(z), regularized=True)), 20))

# BG/NBD P(X(t) = x) by FHL 2005's formula at 80 digits (TestTinyRProbN, z near 1)
def bg_pn(r, al, a, b, t, x):
    with mp.workdps(80):
        r, al, a, b, t = [mpf(float(v)) for v in (r, al, a, b, t)]
        q = al / (al + t); z = t / (al + t)
        v = beta(a, b + x) / beta(a, b) * gamma(r + x) / (gamma(r) * factorial(x)) * q ** r * z ** x
        if x > 0:
            s = sum(gamma(r + j) / (gamma(r) * factorial(j)) * z ** j for j in range(x))
            v += beta(a + 1, b + x - 1) / beta(a, b) * (1 - q ** r * s)
        return v
for x in (1, 2, 5):
    print("bg_pn", x, mp.nstr(bg_pn(2e-13, 1, 0.5, 3, 3e13, x), 20))
with mp.workdps(60):
    print("log_betainc", mp.nstr(log(betainc(mpf(3), mpf(1.477157410229503e-13), 0, mpf(0.9999999999538072), regularized=True)), 20))
