//! The generator's random numbers: xoshiro256** seeded through SplitMix64.
//!
//! Hand-written rather than taken from a crate so that the byte stream for a
//! seed can never change under a dependency upgrade: `divtrace synth --seed N`
//! must write the same bundle in every release. Both algorithms are public
//! domain (Blackman & Vigna, "Scrambled linear pseudorandom number
//! generators", ACM TOMS 2021). Nothing here touches floating point, so the
//! output is also the same on every platform.

/// SplitMix64 step, used to expand a 64-bit seed into xoshiro state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** generator.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for `seed`; `stream` separates independent sub-streams
    /// (world, schemes, background) so that changing one part of the
    /// generator does not reshuffle the others.
    pub fn new(seed: u64, stream: u64) -> Rng {
        let mut sm = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)];
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for
    /// the small ranges used here and, unlike rejection, costs one draw).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

/// Samples indices with fixed integer weights (cumulative table + binary search).
#[derive(Clone, Debug, Default)]
pub struct Weighted {
    cum: Vec<u64>,
}

impl Weighted {
    pub fn new(weights: impl IntoIterator<Item = u64>) -> Weighted {
        let mut total = 0u64;
        let cum = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Weighted { cum }
    }

    /// Zipf weights (exponent 1) over `n` items, in integers: item `i` gets
    /// `2^32 / (i + 1)`. The heavy tail gives a few very large traders.
    pub fn zipf(n: usize) -> Weighted {
        Weighted::new((0..n).map(|i| (1u64 << 32) / (i as u64 + 1)))
    }

    pub fn len(&self) -> usize {
        self.cum.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cum.is_empty() || *self.cum.last().unwrap() == 0
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cum.last().expect("sampling from an empty table");
        let x = rng.below(total);
        self.cum.partition_point(|&c| c <= x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PINNED: [u64; 3] = [12966619160104079557, 9600361134598540522, 10590380919521690900];

    #[test]
    fn splitmix_matches_the_reference() {
        // First outputs of the reference SplitMix64 (Vigna, prng.di.unimi.it) seeded with 0.
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn xoshiro_matches_the_reference() {
        // Reference xoshiro256** from state [1, 2, 3, 4] (as in the rand_xoshiro test suite).
        let mut r = Rng { s: [1, 2, 3, 4] };
        let out: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(out, [11520, 0, 1509978240, 1215971899390074240]);
    }

    #[test]
    fn stream_is_pinned_for_a_seed() {
        // Pinned values: if these change, every bundle written for a seed changes.
        let mut r = Rng::new(1, 0);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, PINNED);
        assert_ne!(first, (0..3).map(|_| Rng::new(2, 0).next_u64()).collect::<Vec<_>>());
        assert_ne!(Rng::new(1, 1).next_u64(), first[0]);
    }

    #[test]
    fn below_stays_in_range_and_covers_it() {
        let mut r = Rng::new(7, 0);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let x = r.below(10) as usize;
            seen[x] = true;
        }
        assert!(seen.iter().all(|&s| s));
        for _ in 0..1000 {
            let x = r.range(-3, 3);
            assert!((-3..=3).contains(&x));
        }
    }

    #[test]
    fn zipf_prefers_the_head() {
        let w = Weighted::zipf(100);
        let mut r = Rng::new(3, 0);
        let mut counts = vec![0u32; 100];
        for _ in 0..20_000 {
            counts[w.sample(&mut r)] += 1;
        }
        assert!(counts[0] > counts[9] * 5, "{:?}", &counts[..10]);
        assert!(counts[99] > 0 || counts[98] > 0 || counts[97] > 0);
        let zero = Weighted::new([0, 5, 0]);
        for _ in 0..100 {
            assert_eq!(zero.sample(&mut r), 1);
        }
    }
}
