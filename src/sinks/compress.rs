//! Gzip and zlib ("deflate") compression: [`Compressor`] turns a stream of bytes into a stream
//! of compressed bytes, and [`CompressSink`] writes those into an inner [`Sink`].
//!
//! The deflate encoder is `miniz_oxide` (pure Rust, small, builds for wasm32); the gzip frame
//! ([RFC 1952]) and its CRC-32 are written here. [`Format::Zlib`] is what Node's
//! `zlib.createDeflate()` / `deflateSync` make ([RFC 1950]), [`Format::Gzip`] what
//! `zlib.createGzip()` / `gzipSync` make.
//!
//! [RFC 1950]: https://www.rfc-editor.org/rfc/rfc1950
//! [RFC 1952]: https://www.rfc-editor.org/rfc/rfc1952

use miniz_oxide::deflate::core::{
    compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush, TDEFLStatus,
};

/// Error code of an invalid compression level (as Node's `zlib` uses it).
pub use super::ERR_OUT_OF_RANGE;
use super::{Sink, SinkError};

/// Error code of a write after the compressed stream was finished, or of an encoder failure.
pub const ERR_COMPRESSION: &str = "ERR_COMPRESSION";

/// The compressed container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// gzip (RFC 1952): 10-byte header, deflate data, CRC-32 and length.
    Gzip,
    /// zlib (RFC 1950): 2-byte header, deflate data, Adler-32. Node calls this "deflate".
    Zlib,
}

/// Default compression level (zlib's `Z_DEFAULT_COMPRESSION` maps to 6).
pub const DEFAULT_LEVEL: u8 = 6;

/// CRC-32 (IEEE 802.3, reflected, as gzip uses it), one byte at a time from a 1 KiB table.
#[derive(Debug, Clone, Copy, Default)]
pub struct Crc32(u32);

// Evaluated at compile time: an out-of-bounds index here would be a build error, not a panic.
#[allow(clippy::indexing_slicing)]
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

impl Crc32 {
    /// Adds bytes to the checksum.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut c = !self.0;
        for &b in bytes {
            let index = usize::from((c as u8) ^ b);
            c = CRC_TABLE.get(index).copied().unwrap_or(0) ^ (c >> 8);
        }
        self.0 = !c;
    }

    /// The checksum of the bytes so far.
    pub fn value(self) -> u32 {
        self.0
    }
}

/// A streaming compressor: feed it with [`Compressor::compress`], end it with
/// [`Compressor::finish`]; each appends whatever compressed bytes are ready to `out`.
pub struct Compressor {
    format: Format,
    level: u8,
    deflate: Box<CompressorOxide>,
    crc: Crc32,
    /// Input length modulo 2^32 (gzip's ISIZE).
    isize: u32,
    header_written: bool,
    finished: bool,
}

impl Compressor {
    /// A compressor for `format` at `level` (0 = stored … 9 = smallest; 6 is zlib's default).
    /// A level above 9 fails with [`ERR_OUT_OF_RANGE`].
    pub fn new(format: Format, level: u8) -> Result<Self, SinkError> {
        if level > 9 {
            return Err(SinkError::new(
                ERR_OUT_OF_RANGE,
                format!("The value of \"options.level\" is out of range. It must be >= -1 and <= 9. Received {level}"),
            ));
        }
        let window_bits = match format {
            Format::Gzip => -15, // raw deflate inside our own gzip frame
            Format::Zlib => 15,  // miniz writes the zlib header and Adler-32
        };
        let flags = create_comp_flags_from_zip_params(i32::from(level), window_bits, 0);
        Ok(Compressor {
            format,
            level,
            deflate: Box::new(CompressorOxide::new(flags)),
            crc: Crc32::default(),
            isize: 0,
            header_written: false,
            finished: false,
        })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The level.
    pub fn level(&self) -> u8 {
        self.level
    }

    fn write_header(&mut self, out: &mut Vec<u8>) {
        if self.header_written {
            return;
        }
        self.header_written = true;
        if self.format == Format::Gzip {
            // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL OS=255 (unknown)
            let xfl = match self.level {
                9 => 2,
                0 | 1 => 4,
                _ => 0,
            };
            out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 0xff]);
        }
    }

    fn run(&mut self, input: &[u8], flush: TDEFLFlush, out: &mut Vec<u8>) -> Result<(), SinkError> {
        let (status, consumed) = compress_to_output(&mut self.deflate, input, flush, |bytes| {
            out.extend_from_slice(bytes);
            true
        });
        let ok = match flush {
            TDEFLFlush::Finish => status == TDEFLStatus::Done,
            _ => status == TDEFLStatus::Okay,
        };
        if ok && consumed == input.len() {
            Ok(())
        } else {
            Err(SinkError::new(
                ERR_COMPRESSION,
                format!("the deflate encoder failed ({status:?})"),
            ))
        }
    }

    /// Compresses `input`, appending the compressed bytes that are ready to `out` (the encoder
    /// keeps up to a block of input before it emits anything).
    pub fn compress(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<(), SinkError> {
        if self.finished {
            return Err(SinkError::new(
                ERR_COMPRESSION,
                "write after the compressed stream was finished",
            ));
        }
        self.write_header(out);
        if input.is_empty() {
            return Ok(());
        }
        self.crc.update(input);
        // ISIZE is the length modulo 2^32 by definition.
        #[allow(clippy::cast_possible_truncation)]
        let len = input.len() as u32;
        self.isize = self.isize.wrapping_add(len);
        self.run(input, TDEFLFlush::None, out)
    }

    /// Ends the stream: appends the rest of the compressed data and the trailer. Calling it
    /// again appends nothing.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), SinkError> {
        if self.finished {
            return Ok(());
        }
        self.write_header(out);
        self.run(&[], TDEFLFlush::Finish, out)?;
        self.finished = true;
        if self.format == Format::Gzip {
            out.extend_from_slice(&self.crc.value().to_le_bytes());
            out.extend_from_slice(&self.isize.to_le_bytes());
        }
        Ok(())
    }
}

/// A sink that compresses what it is given and writes the compressed bytes into `inner`.
///
/// The inner sink gets a write only when the encoder has output (roughly once per deflate block,
/// and at [`Sink::finish`], which also finishes `inner`).
///
/// ```
/// use wasm_writable::sinks::{CompressSink, Format, MemorySink, Sink};
///
/// let mut gzip = CompressSink::new(Format::Gzip, 9, MemorySink::new()).unwrap();
/// gzip.write(&[b'a'; 1000]).unwrap();
/// gzip.finish().unwrap();
/// let compressed = gzip.into_inner().into_bytes();
/// assert_eq!(&compressed[..2], &[0x1f, 0x8b]);
/// assert!(compressed.len() < 50);
/// ```
pub struct CompressSink<S: Sink> {
    compressor: Compressor,
    inner: S,
    out: Vec<u8>,
}

impl<S: Sink> CompressSink<S> {
    /// Compresses into `inner` with `format` at `level` (0–9).
    pub fn new(format: Format, level: u8, inner: S) -> Result<Self, SinkError> {
        Ok(CompressSink {
            compressor: Compressor::new(format, level)?,
            inner,
            out: Vec::new(),
        })
    }

    /// The inner sink.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// Takes the inner sink out.
    pub fn into_inner(self) -> S {
        self.inner
    }

    fn flush_out(&mut self) -> Result<(), SinkError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let result = self.inner.write(&self.out);
        self.out.clear();
        result
    }
}

impl<S: Sink> Sink for CompressSink<S> {
    fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        self.compressor.compress(chunk, &mut self.out)?;
        self.flush_out()
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.compressor.finish(&mut self.out)?;
        self.flush_out()?;
        self.inner.finish()
    }

    fn destroy(&mut self) {
        self.inner.destroy();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sinks::MemorySink;
    use miniz_oxide::inflate::{decompress_to_vec, decompress_to_vec_zlib};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn compress_all(format: Format, level: u8, chunks: &[&[u8]]) -> Vec<u8> {
        let mut sink = CompressSink::new(format, level, MemorySink::new()).unwrap();
        for chunk in chunks {
            sink.write(chunk).unwrap();
        }
        sink.finish().unwrap();
        sink.into_inner().into_bytes()
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        assert!(bytes.len() >= 18);
        assert_eq!(bytes.get(..4), Some(&[0x1f, 0x8b, 8, 0][..]));
        let body = bytes.get(10..bytes.len() - 8).unwrap();
        let data = decompress_to_vec(body).unwrap();
        let trailer = bytes.get(bytes.len() - 8..).unwrap();
        let mut crc = Crc32::default();
        crc.update(&data);
        assert_eq!(trailer.get(..4).unwrap(), &crc.value().to_le_bytes());
        assert_eq!(
            trailer.get(4..).unwrap(),
            &(data.len() as u32).to_le_bytes()
        );
        data
    }

    fn sample() -> Vec<u8> {
        (0..50_000u32)
            .map(|i| b"the quick brown fox "[(i % 20) as usize] ^ ((i / 997) as u8 & 1))
            .collect()
    }

    #[test]
    fn crc32_matches_the_check_value() {
        let mut crc = Crc32::default();
        crc.update(b"1234");
        crc.update(b"56789");
        assert_eq!(crc.value(), 0xcbf4_3926);
        assert_eq!(Crc32::default().value(), 0);
    }

    #[test]
    fn gzip_round_trips_at_every_level() {
        let data = sample();
        let chunks: Vec<&[u8]> = data.chunks(3000).collect();
        for level in 0..=9 {
            let compressed = compress_all(Format::Gzip, level, &chunks);
            assert_eq!(gunzip(&compressed), data, "level {level}");
            if level > 0 {
                assert!(
                    compressed.len() < data.len() / 4,
                    "level {level}: {}",
                    compressed.len()
                );
            }
        }
    }

    #[test]
    fn zlib_round_trips() {
        let data = sample();
        for level in [0, 1, 6, 9] {
            let compressed = compress_all(Format::Zlib, level, &[&data]);
            assert_eq!(compressed.first(), Some(&0x78));
            assert_eq!(decompress_to_vec_zlib(&compressed).unwrap(), data);
        }
    }

    #[test]
    fn empty_input_is_a_valid_stream() {
        assert_eq!(gunzip(&compress_all(Format::Gzip, 6, &[])), b"");
        assert_eq!(
            decompress_to_vec_zlib(&compress_all(Format::Zlib, 6, &[b""])).unwrap(),
            b""
        );
    }

    #[test]
    fn bad_level_and_write_after_finish_fail() {
        assert_eq!(
            Compressor::new(Format::Gzip, 10).err().unwrap().code,
            ERR_OUT_OF_RANGE
        );
        let mut c = Compressor::new(Format::Zlib, 1).unwrap();
        let mut out = Vec::new();
        c.finish(&mut out).unwrap();
        let len = out.len();
        c.finish(&mut out).unwrap();
        assert_eq!(out.len(), len, "finish twice adds nothing");
        assert_eq!(
            c.compress(b"x", &mut out).unwrap_err().code,
            ERR_COMPRESSION
        );
        assert_eq!((c.format(), c.level()), (Format::Zlib, 1));
    }

    #[test]
    fn inner_errors_are_passed_on() {
        let mut sink = CompressSink::new(Format::Gzip, 0, MemorySink::with_limit(16)).unwrap();
        let err = sink.write(&[7u8; 100_000]).unwrap_err();
        assert_eq!(err.code, crate::sinks::ERR_SINK_LIMIT);
    }
}
