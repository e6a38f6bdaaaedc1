//! HS codes packed into integers that sort like their digit strings.
//!
//! Each of the 10 possible digit positions is a base-11 digit: 0 for
//! "no digit here", `d + 1` for digit `d`. So the first `L` positions of a
//! code are `code / 11^(10-L)`, codes sharing a prefix are contiguous in
//! numeric order, and a code shorter than `L` digits (blanks in its tail)
//! agrees at level `L` only with codes that are identical up to `L` and
//! equally short — the same as comparing the first `min(L, len)` digits and
//! the lengths.

/// The most digits an HS code has in a case file.
pub const HS_DIGITS: u32 = 10;

const fn pow11(e: u32) -> u64 {
    let mut r = 1u64;
    let mut i = 0;
    while i < e {
        r *= 11;
        i += 1;
    }
    r
}

/// The packed codes sharing six positions: a code is `hs_key(code, 6) * HS_TAIL + tail`.
pub const HS_TAIL: u64 = pow11(HS_DIGITS - 6);

/// Packs 4 to 10 ASCII digits; `None` for anything else.
pub fn hs_encode(digits: &str) -> Option<u64> {
    let b = digits.as_bytes();
    if !(1..=HS_DIGITS as usize).contains(&b.len()) || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v = 0u64;
    for i in 0..HS_DIGITS as usize {
        v = v * 11 + b.get(i).map_or(0, |c| u64::from(c - b'0') + 1);
    }
    Some(v)
}

/// The digit string of a packed code.
pub fn hs_decode(mut v: u64) -> String {
    let mut d = [0u8; HS_DIGITS as usize];
    for i in (0..HS_DIGITS as usize).rev() {
        d[i] = (v % 11) as u8;
        v /= 11;
    }
    d.iter().take_while(|&&x| x != 0).map(|&x| char::from(b'0' + x - 1)).collect()
}

/// The first `level` positions of a packed code (the key codes must share
/// to agree "on the first `level` digits").
#[inline]
pub fn hs_key(code: u64, level: u32) -> u64 {
    code / pow11(HS_DIGITS - level)
}

/// Whether the packed `code` starts with the digits of `prefix` (packed by
/// [`hs_encode`], `prefix_len` digits long).
#[inline]
pub fn hs_prefix_of(prefix: u64, prefix_len: u32, code: u64) -> bool {
    hs_key(code, prefix_len) == hs_key(prefix, prefix_len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_sorts_like_strings() {
        let codes = ["8471", "847130", "8542", "854231", "85423100", "8542310000", "854232"];
        let mut packed: Vec<u64> = codes.iter().map(|c| hs_encode(c).unwrap()).collect();
        for (c, p) in codes.iter().zip(&packed) {
            assert_eq!(&hs_decode(*p), c);
        }
        let sorted = packed.clone();
        packed.sort();
        assert_eq!(packed, sorted);
        let a = hs_encode("85423100").unwrap();
        let b = hs_encode("854231").unwrap();
        let c = hs_encode("8542").unwrap();
        assert_eq!(hs_key(a, 6), hs_key(b, 6));
        assert_ne!(hs_key(a, 6), hs_key(c, 6));
        assert_eq!(hs_key(a, 4), hs_key(c, 4));
        assert!(hs_prefix_of(hs_encode("85423").unwrap(), 5, a));
        assert!(!hs_prefix_of(hs_encode("85424").unwrap(), 5, a));
        assert!(hs_encode("85a1").is_none());
        assert!(hs_encode("12345678901").is_none());
    }
}
