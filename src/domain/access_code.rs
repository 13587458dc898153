//! Access codes of postal (random-sample) waves: printed on a letter as text and as a QR
//! code, never tied to a person.
//!
//! A code is 16 characters in four groups of four (`7KQM-2XWD-H9TR-BC4F`): 15 random
//! characters and one check character, from an alphabet of 31 that leaves out the
//! look-alikes 0/O, 1/I/L. That is 15 × log2(31) ≈ 74.3 bits of entropy. The check
//! character makes the weighted sum Σ i·vᵢ (i = 1…16) divisible by 31; 31 is prime and
//! the weights 1…16 are distinct, so every single wrong character and every swap of two
//! neighbouring characters is caught before any lookup (ISO 7064's pure system idea).

use sha2::{Digest, Sha256};

/// The 31 characters a code is made of: digits 2–9 and A–Z without I, L and O.
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const RANDOM_CHARS: usize = 15;
const LEN: usize = RANDOM_CHARS + 1;
const MODULUS: u32 = 31;

/// A well-formed access code (check character verified), in canonical form: 16
/// characters, upper case, no separators.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

/// Never print the secret in logs.
impl std::fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessCode(…)")
    }
}

/// Why a typed code is not a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// Nothing was typed.
    Empty,
    /// Too few or too many characters (after removing spaces and hyphens).
    Length,
    /// A character that is not in [`ALPHABET`] (for example 0, O, 1, I or L).
    Character,
    /// All characters are valid but the check character does not match: a typo.
    Check,
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

fn weighted_sum(values: &[u32]) -> u32 {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32 + 1) * v)
        .sum::<u32>()
        % MODULUS
}

/// The check value making Σ i·vᵢ ≡ 0 (mod 31) with the check at position 16.
fn check_value(random: &[u32]) -> u32 {
    let s = weighted_sum(random);
    // 16 · c ≡ −s (mod 31); 16⁻¹ ≡ 2 (mod 31) since 16 · 2 = 32 ≡ 1.
    ((MODULUS - s) % MODULUS * 2) % MODULUS
}

impl AccessCode {
    /// A fresh random code from the operating system's random source.
    pub fn generate() -> Self {
        let mut values = Vec::with_capacity(LEN);
        while values.len() < RANDOM_CHARS {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes).expect("the operating system's random source failed");
            // Rejection sampling keeps every character equally likely: 248 = 8 × 31.
            values.extend(
                bytes
                    .iter()
                    .filter(|&&b| b < 248)
                    .map(|&b| u32::from(b) % MODULUS)
                    .take(RANDOM_CHARS - values.len()),
            );
        }
        let check = check_value(&values);
        values.push(check);
        AccessCode(
            values
                .iter()
                .map(|&v| ALPHABET[v as usize] as char)
                .collect(),
        )
    }

    /// Reads a code as a resident typed it: spaces, hyphens (ASCII, full-width, dashes
    /// and the long-vowel mark a Japanese IME gives for "-"), lower case and full-width
    /// letters and digits are accepted.
    pub fn parse(typed: &str) -> Result<Self, CodeProblem> {
        let mut canonical = String::with_capacity(LEN);
        for c in typed.chars() {
            let c = match c {
                // Full-width ASCII (ＡＢＣ１２３) to ASCII.
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            };
            match c {
                ' '
                | '\t'
                | '\u{3000}'
                | '-'
                | '_'
                | '\u{2010}'..='\u{2015}'
                | '\u{2212}'
                | '\u{30FC}'
                | '\u{FF70}'
                | '\r'
                | '\n' => {}
                c => canonical.push(c.to_ascii_uppercase()),
            }
        }
        if canonical.is_empty() {
            return Err(CodeProblem::Empty);
        }
        if canonical.chars().count() != LEN {
            return Err(CodeProblem::Length);
        }
        let values: Option<Vec<u32>> = canonical.bytes().map(value).collect();
        let values = values.ok_or(CodeProblem::Character)?;
        if weighted_sum(&values) != 0 {
            return Err(CodeProblem::Check);
        }
        Ok(AccessCode(canonical))
    }

    /// Canonical form, as stored (hashed) and as put in links.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed for people: four groups of four joined by hyphens.
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        b.chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// What the database keeps: SHA-256 of the canonical form. With 74 random bits there
    /// is nothing to brute-force from a copy of the database.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_valid_distinct_and_printable() {
        let codes: Vec<AccessCode> = (0..2_000).map(|_| AccessCode::generate()).collect();
        let distinct: std::collections::HashSet<&str> = codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(distinct.len(), codes.len());
        for c in &codes {
            assert_eq!(c.as_str().len(), 16);
            assert!(c.as_str().bytes().all(|b| ALPHABET.contains(&b)));
            assert_eq!(AccessCode::parse(c.as_str()).as_ref(), Ok(c));
            let g = c.grouped();
            assert_eq!(g.len(), 19);
            assert_eq!(g.matches('-').count(), 3);
            assert_eq!(AccessCode::parse(&g).as_ref(), Ok(c));
        }
        // No look-alikes anywhere.
        assert!(!ALPHABET.iter().any(|b| b"01OIL".contains(b)));
    }

    #[test]
    fn entropy_is_at_least_60_bits() {
        let bits = RANDOM_CHARS as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits >= 60.0, "{bits}");
    }

    #[test]
    fn every_character_is_used_about_equally() {
        let mut counts = [0u32; 31];
        for _ in 0..4_000 {
            for b in AccessCode::generate().as_str().bytes().take(RANDOM_CHARS) {
                counts[value(b).unwrap() as usize] += 1;
            }
        }
        // 60,000 draws, 1,935 expected per character; a biased modulo would show here.
        assert!(
            counts.iter().all(|&c| (1_700..2_200).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn accepts_what_a_resident_types_on_a_phone_or_a_japanese_ime() {
        let code = AccessCode::generate();
        let g = code.grouped();
        let lower = g.to_lowercase();
        let spaced = g.replace('-', " ");
        let full_width: String = g
            .chars()
            .map(|c| match c {
                '-' => 'ー',
                c => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            })
            .collect();
        let ideographic = format!("\u{3000}{}\u{3000}", g.replace('-', "\u{3000}"));
        for typed in [lower, spaced, full_width, ideographic, format!(" {g}\n")] {
            assert_eq!(AccessCode::parse(&typed).as_ref(), Ok(&code), "{typed}");
        }
    }

    #[test]
    fn every_single_typo_and_neighbour_swap_is_caught() {
        for _ in 0..200 {
            let code = AccessCode::generate();
            let bytes = code.as_str().as_bytes().to_vec();
            for i in 0..LEN {
                for &other in ALPHABET.iter().filter(|&&a| a != bytes[i]) {
                    let mut typo = bytes.clone();
                    typo[i] = other;
                    let typo = String::from_utf8(typo).unwrap();
                    assert_eq!(AccessCode::parse(&typo), Err(CodeProblem::Check), "{typo}");
                }
                if i + 1 < LEN && bytes[i] != bytes[i + 1] {
                    let mut swapped = bytes.clone();
                    swapped.swap(i, i + 1);
                    let swapped = String::from_utf8(swapped).unwrap();
                    assert_eq!(AccessCode::parse(&swapped), Err(CodeProblem::Check));
                }
            }
        }
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(AccessCode::parse("  - "), Err(CodeProblem::Empty));
        assert_eq!(AccessCode::parse("ABCD-EFGH"), Err(CodeProblem::Length));
        let code = AccessCode::generate().as_str().to_string();
        let with_o = format!("O{}", &code[1..]);
        assert_eq!(AccessCode::parse(&with_o), Err(CodeProblem::Character));
    }

    #[test]
    fn the_hash_is_of_the_canonical_form() {
        let code = AccessCode::generate();
        let typed = AccessCode::parse(&code.grouped().to_lowercase()).unwrap();
        assert_eq!(typed.hash(), code.hash());
        assert_eq!(code.hash().len(), 64);
        assert!(!code.hash().contains(code.as_str()));
        assert_eq!(format!("{code:?}"), "AccessCode(…)");
    }
}
