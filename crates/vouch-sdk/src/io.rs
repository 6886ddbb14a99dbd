//! Guest input and output in vouch's one serialization format (`vouch_abi::codec`).

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Error;

/// The private input of a guest: a byte stream the guest reads with `vouch_guest::read`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Input {
    bytes: Vec<u8>,
}

impl Input {
    /// An empty input.
    pub fn new() -> Self {
        Self::default()
    }

    /// Append a value, encoded as the guest's `read::<T>()` expects it.
    pub fn write<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, Error> {
        self.bytes.extend(vouch_abi::codec::encode(value)?);
        Ok(self)
    }

    /// Append raw bytes, for the guest's `read_slice` / `read_to_end`.
    pub fn write_bytes(mut self, bytes: &[u8]) -> Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    /// The encoded stream.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<Vec<u8>> for Input {
    fn from(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }
}

impl AsRef<[u8]> for Input {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

/// The public output a guest committed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journal {
    pub bytes: Vec<u8>,
}

impl Journal {
    /// Decode the journal as one value committed with `vouch_guest::commit`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        Ok(vouch_abi::codec::decode(&self.bytes)?)
    }
}
