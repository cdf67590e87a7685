//! [`DigestSink`]: a cryptographic hash (SHA-1, SHA-256, SHA-512) of everything written.

use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::{Sink, SinkError, ERR_INVALID_ARG_VALUE};

/// The hash algorithms a [`DigestSink`] computes (RustCrypto's `sha1` and `sha2` crates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// SHA-1 (20-byte digest). Broken for collision resistance; offered for compatibility.
    Sha1,
    /// SHA-256 (32-byte digest).
    Sha256,
    /// SHA-512 (64-byte digest).
    Sha512,
}

impl DigestAlgorithm {
    /// Parses a name as Node's `crypto.createHash` spells it: `sha1`, `sha256`, `sha512`, also
    /// the Web Crypto spellings `SHA-1`, `SHA-256`, `SHA-512` (case-insensitive).
    pub fn from_name(name: &str) -> Result<DigestAlgorithm, SinkError> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "sha1" | "sha-1" => Ok(DigestAlgorithm::Sha1),
            "sha256" | "sha-256" => Ok(DigestAlgorithm::Sha256),
            "sha512" | "sha-512" => Ok(DigestAlgorithm::Sha512),
            _ => Err(SinkError::new(
                ERR_INVALID_ARG_VALUE,
                format!(
                    "The argument 'algorithm' must be one of 'sha1', 'sha256', 'sha512'. Received '{name}'"
                ),
            )),
        }
    }

    /// The canonical (Node) name.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sha1 => "sha1",
            DigestAlgorithm::Sha256 => "sha256",
            DigestAlgorithm::Sha512 => "sha512",
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha512 => 64,
        }
    }
}

#[derive(Clone)]
enum Hasher {
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

/// A sink that hashes every byte written to it and keeps nothing else.
///
/// [`DigestSink::digest`] can be read at any time, as often as wanted: it is the digest of
/// everything written so far (the running state is not consumed).
///
/// ```
/// use wasm_writable::sinks::{DigestAlgorithm, DigestSink, Sink};
///
/// let mut sink = DigestSink::new(DigestAlgorithm::Sha256);
/// sink.write(b"ab").unwrap();
/// sink.write(b"c").unwrap();
/// assert_eq!(
///     sink.hex(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
#[derive(Clone)]
pub struct DigestSink {
    hasher: Hasher,
    algorithm: DigestAlgorithm,
    bytes: u64,
}

impl DigestSink {
    /// Creates a sink hashing with `algorithm`.
    pub fn new(algorithm: DigestAlgorithm) -> Self {
        let hasher = match algorithm {
            DigestAlgorithm::Sha1 => Hasher::Sha1(Sha1::new()),
            DigestAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            DigestAlgorithm::Sha512 => Hasher::Sha512(Sha512::new()),
        };
        DigestSink {
            hasher,
            algorithm,
            bytes: 0,
        }
    }

    /// The algorithm.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm
    }

    /// Bytes hashed so far.
    pub fn byte_count(&self) -> u64 {
        self.bytes
    }

    /// The digest of everything written so far.
    pub fn digest(&self) -> Vec<u8> {
        match self.hasher.clone() {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }

    /// [`DigestSink::digest`] as lower-case hex.
    pub fn hex(&self) -> String {
        fn nibble(n: u8) -> char {
            char::from(if n < 10 { b'0' + n } else { b'a' + (n - 10) })
        }
        let digest = self.digest();
        let mut out = String::with_capacity(digest.len() * 2);
        for byte in digest {
            out.push(nibble(byte >> 4));
            out.push(nibble(byte & 0xf));
        }
        out
    }
}

impl Sink for DigestSink {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        match &mut self.hasher {
            Hasher::Sha1(h) => h.update(chunk),
            Hasher::Sha256(h) => h.update(chunk),
            Hasher::Sha512(h) => h.update(chunk),
        }
        self.bytes = self
            .bytes
            .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn hex_of(algorithm: DigestAlgorithm, chunks: &[&[u8]]) -> String {
        let mut sink = DigestSink::new(algorithm);
        sink.writev(chunks).unwrap();
        sink.finish().unwrap();
        sink.hex()
    }

    #[test]
    fn empty_input_digests() {
        assert_eq!(
            hex_of(DigestAlgorithm::Sha1, &[]),
            "da39a3ee5e6b4b0d3255bfef95601890afd80709"
        );
        assert_eq!(
            hex_of(DigestAlgorithm::Sha256, &[]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex_of(DigestAlgorithm::Sha512, &[]),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
             47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        );
    }

    #[test]
    fn abc_digests_match_the_standard_vectors() {
        assert_eq!(
            hex_of(DigestAlgorithm::Sha1, &[b"a", b"bc"]),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex_of(DigestAlgorithm::Sha512, &[b"abc"]),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
    }

    #[test]
    fn chunking_does_not_change_the_digest() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let whole = hex_of(DigestAlgorithm::Sha256, &[&data]);
        let pieces: Vec<&[u8]> = data.chunks(7).collect();
        assert_eq!(hex_of(DigestAlgorithm::Sha256, &pieces), whole);
    }

    #[test]
    fn digest_can_be_read_repeatedly_and_midway() {
        let mut sink = DigestSink::new(DigestAlgorithm::Sha256);
        let empty = sink.digest();
        assert_eq!(sink.digest(), empty);
        sink.write(b"abc").unwrap();
        assert_eq!(sink.digest().len(), 32);
        assert_eq!(sink.hex(), sink.hex());
        assert_eq!(sink.byte_count(), 3);
    }

    #[test]
    fn algorithm_names() {
        for (name, algorithm) in [
            ("sha256", DigestAlgorithm::Sha256),
            ("SHA-256", DigestAlgorithm::Sha256),
            ("sha1", DigestAlgorithm::Sha1),
            ("Sha-1", DigestAlgorithm::Sha1),
            ("sha512", DigestAlgorithm::Sha512),
        ] {
            assert_eq!(DigestAlgorithm::from_name(name), Ok(algorithm));
            assert_eq!(
                DigestSink::new(algorithm).digest().len(),
                algorithm.output_len()
            );
        }
        let err = DigestAlgorithm::from_name("md5").unwrap_err();
        assert_eq!(err.code, ERR_INVALID_ARG_VALUE);
        assert!(err.message.contains("Received 'md5'"));
        assert_eq!(DigestAlgorithm::Sha512.name(), "sha512");
    }
}
