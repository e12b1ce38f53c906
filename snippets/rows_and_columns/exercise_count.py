for name, n, m in [("a layer R^1000 -> R^10", 1000, 10), ("a loss R^1000 -> R", 1000, 1)]:
    vjps = f"{m} VJP" + ("s" if m > 1 else "")
    print(f"{name}: {vjps} (one per row) or {n} JVPs (one per column)")
