use sha2::{Digest, Sha256};

/// A bearer token for an analyst: 256 random bits, shown once, stored only as a hash.
pub struct AnalystToken(String);

impl AnalystToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        AnalystToken(format!("cs_{}", hex::encode(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_token(&self.0)
    }
}

/// The secret in an invitee's personal link: 160 random bits, sent once, stored only as a
/// hash. A reminder carries a new one, so no token is ever kept to be sent later.
pub struct InvitationToken(String);

/// Never print the secret.
impl std::fmt::Debug for InvitationToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationToken(…)")
    }
}

impl InvitationToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        InvitationToken(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hash_token(&self.0)
    }
}

/// SHA-256 is enough here: the token is 256 random bits, so there is nothing to brute-force.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = AnalystToken::generate();
        let b = AnalystToken::generate();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 3 + 64);
        assert_eq!(a.hash(), hash_token(a.as_str()));
        assert_ne!(a.hash(), a.as_str());
        // Known SHA-256 of "abc".
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
