#!/usr/bin/env python3
"""Monthly average USD rates from the ECB euro reference rates.

    scripts/fx-monthly-from-ecb.py eurofxref-hist.csv > src/refdata/fx-monthly.csv

Input: the European Central Bank's euro foreign exchange reference rates,
full history (https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip,
unzipped), one row per TARGET business day, each currency quoted per euro.
Output: `month,currency,usd_per_unit` for every month of FIRST..LAST and
every currency the ECB quoted on at least MIN_DAYS days of that month:
the arithmetic mean over those days of the daily cross rate
USD-per-EUR / currency-per-EUR (for EUR itself, USD-per-EUR), 6 significant
digits. Months with fewer quotes (RUB after the ECB suspended it on
2 March 2022) are left out rather than averaged over a few days.
"""
import csv
import sys
from collections import defaultdict

FIRST, LAST, MIN_DAYS = "2021-01", "2025-12", 10


def main(path):
    sums = defaultdict(lambda: [0.0, 0])
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            month = row["Date"][:7]
            if not FIRST <= month <= LAST:
                continue
            usd = row.get("USD", "N/A").strip()
            if usd in ("", "N/A"):
                continue
            usd = float(usd)
            rates = {"EUR": usd}
            for cur, v in row.items():
                if not cur or cur in ("Date", "USD"):
                    continue
                v = (v or "").strip()
                if v in ("", "N/A"):
                    continue
                rates[cur.strip()] = usd / float(v)
            for cur, r in rates.items():
                s = sums[(month, cur)]
                s[0] += r
                s[1] += 1
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["month", "currency", "usd_per_unit"])
    for (month, cur) in sorted(sums):
        total, n = sums[(month, cur)]
        if n >= MIN_DAYS:
            out.writerow([month, cur, f"{total / n:.6g}"])


if __name__ == "__main__":
    main(sys.argv[1])
