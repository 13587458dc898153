//! Analysts' passwords for browser sign-in: Argon2id, stored as a PHC string
//! (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`), so the parameters travel with the hash.

use std::cell::RefCell;
use std::sync::OnceLock;

use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Most characters a password may have (hashing is deliberately slow; bound the work).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks the length rule; the message names the rule.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "a password must have {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
        ))
    }
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum), random salt.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    let salt = SaltString::encode_b64(&bytes)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

thread_local! {
    /// The Argon2 memory of this thread (19 MiB with the defaults), kept between checks:
    /// allocating it for every check let the allocator keep freed 19 MiB blocks in the
    /// heap of whichever thread ran it, so a sign-in flood grew the process without bound
    /// (a 10 s flood: 293 MiB; 30 s: 483 MiB). Hashes run on a few threads of their own
    /// (`web::workspace::session::HashThreads`), so this is a few buffers in all.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Whether `password` matches the stored PHC string (false for a malformed one). The same
/// computation as `PasswordVerifier::verify_password`, in this thread's kept memory; the
/// comparison is constant-time.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let check = || -> Option<bool> {
        let hash = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(hash.algorithm).ok()?;
        let version = hash
            .version
            .map_or(Ok(Version::default()), Version::try_from)
            .ok()?;
        let expected = hash.hash?;
        let params = Params::try_from(&hash).ok()?;
        let mut salt = [0u8; 64];
        let salt = hash.salt?.decode_b64(&mut salt).ok()?;
        let argon = Argon2::new(algorithm, version, params.clone());
        let mut out = vec![0u8; expected.len()];
        BLOCKS
            .with(|blocks| {
                let mut blocks = blocks.borrow_mut();
                if blocks.len() < params.block_count() {
                    blocks.resize(params.block_count(), Block::default());
                }
                argon.hash_password_into_with_memory(
                    password.as_bytes(),
                    salt,
                    &mut out,
                    &mut blocks[..params.block_count()],
                )
            })
            .ok()?;
        Some(Output::new(&out).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// Spends the same time as a real check, for an unknown account, so that timing does not
/// tell which names exist.
pub fn verify_nothing(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password("correct horse battery", &a));
        assert!(!verify_password("correct horse batterY", &a));
        assert!(!verify_password("x", "not a phc string"));
        // The same answer as the crate's own verifier, for another cost too.
        use argon2::password_hash::PasswordVerifier;
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 3, 1, None).unwrap(),
        )
        .hash_password(
            b"another password 1",
            &SaltString::encode_b64(&[7; 16]).unwrap(),
        )
        .unwrap()
        .to_string();
        for (password, phc) in [
            ("another password 1", other.as_str()),
            ("another password 2", other.as_str()),
            ("correct horse battery", a.as_str()),
        ] {
            let theirs = Argon2::default()
                .verify_password(password.as_bytes(), &PasswordHash::new(phc).unwrap())
                .is_ok();
            assert_eq!(verify_password(password, phc), theirs, "{password}");
        }
        assert!(verify_password("another password 1", &other));
    }

    #[test]
    fn length_rule() {
        assert!(check_password("short").is_err());
        assert!(check_password("twelve chars").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }
}
