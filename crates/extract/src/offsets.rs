//! Conversion between byte offsets (used inside the extractor) and Unicode code
//! point offsets (used in the API, natural for Python, Go and TypeScript clients).

/// A byte ↔ code point offset table for one text.
pub struct CharOffsets {
    /// Byte offset of each char, plus the text length at the end.
    starts: Vec<usize>,
}

impl CharOffsets {
    /// Builds the table.
    pub fn new(text: &str) -> Self {
        let mut starts: Vec<usize> = text.char_indices().map(|(offset, _)| offset).collect();
        starts.push(text.len());
        CharOffsets { starts }
    }

    /// The code point offset of a byte offset (rounded down to a char boundary).
    pub fn char_of(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte) {
            Ok(index) => index,
            Err(index) => index.saturating_sub(1),
        }
    }

    /// The byte offset of a code point offset (clamped to the text).
    pub fn byte_of(&self, char_offset: usize) -> usize {
        self.starts[char_offset.min(self.starts.len() - 1)]
    }

    /// Number of chars in the text.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// True for an empty text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let text = "a\u{201c}b\u{201d}c";
        let offsets = CharOffsets::new(text);
        assert_eq!(offsets.char_of(4), 2);
        assert_eq!(offsets.byte_of(2), 4);
        assert_eq!(offsets.len(), 5);
        assert_eq!(offsets.byte_of(99), text.len());
    }
}
