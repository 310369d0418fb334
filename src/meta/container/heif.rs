//! AVIF and HEIC, both HEIF: an ISO base media file whose top-level `meta` box lists items.
//! Items of type `Exif` (a 4-byte big-endian offset to the TIFF header, then the EXIF block)
//! give EXIF fields; `mime` items of content type `application/rdf+xml` the XMP packet. `iinf`
//! names the items, `iloc` says where their bytes are (construction method 0: file offsets,
//! 1: offsets into the `meta` box's own `idat`), and the primary item's (`pitm`) `ispe`
//! property, through `iprp`'s `ipco` and `ipma`, gives the pixel size.
//!
//! Every size and count in the file is checked against what is there: 64-bit sizes, size 0
//! ("to the end"), extents outside the file and overlapping items are read or refused without
//! trusting them, each box is looked at once (no walk can loop), and counts are capped.

use std::io::{Read, Seek, SeekFrom};

use anyhow::Result;

use super::{exif, read_block, Budget, Entries, MAX_CHUNK};

/// Top-level boxes looked at before giving up on finding `meta` (real files have 3 or 4).
const MAX_TOP_BOXES: usize = 1024;

/// Child boxes looked at inside one box.
const MAX_CHILDREN: usize = 4096;

/// Extents looked at in `iloc`, over all items: entries of zero-byte fields take no room,
/// so the count, not the box size, bounds the walk.
const MAX_EXTENTS: usize = 1 << 16;

/// Exif and XMP items read from one file.
const MAX_ITEMS: usize = 16;

/// The two item kinds read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exif,
    Xmp,
}

/// Where an item's bytes are: a construction method, a base offset and `(offset, length)`
/// extents (a length of 0 means "to the end").
#[derive(Debug, Default)]
struct Location {
    method: u16,
    base: u64,
    extents: Vec<(u64, u64)>,
}

/// Reads the entries of an AVIF or HEIC (its `ftyp` box already sniffed).
pub(crate) fn read<R: Read + Seek>(reader: &mut R, budget: &mut Budget) -> Result<Entries> {
    let file_len = reader.seek(SeekFrom::End(0))?;
    let mut entries = Entries::default();
    let Some(meta) = find_meta(reader, file_len)? else {
        return Ok(entries);
    };
    let Some((_, body)) = full_box(&meta) else {
        return Ok(entries);
    };
    let boxes = MetaBoxes::new(body);
    let items = boxes.items();
    let primary = boxes.primary();
    entries.size = boxes.size(primary);
    let ids: Vec<u32> = items.iter().map(|(id, _)| *id).collect();
    let locations = boxes.locations(&ids);
    for (id, kind) in items {
        let Some((_, loc)) = locations.iter().find(|(l, _)| *l == id) else {
            continue;
        };
        let Some(data) = item_data(reader, file_len, boxes.idat, loc)? else {
            continue;
        };
        if !budget.take(data.len()) {
            break;
        }
        match kind {
            Kind::Exif => exif::read_tiff(exif_tiff(&data), &mut entries),
            Kind::Xmp => entries.push("XMP", String::from_utf8_lossy(&data).into_owned()),
        }
    }
    Ok(entries)
}

/// The payload of the first top-level `meta` box, if it fits in [`MAX_CHUNK`]; a box that
/// runs past the end of the file is cut at the end.
fn find_meta<R: Read + Seek>(reader: &mut R, file_len: u64) -> Result<Option<Vec<u8>>> {
    let mut at = 0u64;
    for _ in 0..MAX_TOP_BOXES {
        reader.seek(SeekFrom::Start(at))?;
        let mut head = [0u8; 16];
        let got = read_up_to(reader, &mut head)?;
        let Some(h) = header(&head[..got]) else {
            return Ok(None);
        };
        let end = match h.size {
            Some(size) => at.saturating_add(size),
            None => file_len,
        };
        if &h.kind == b"meta" {
            let start = at + h.len as u64;
            let len = end.min(file_len).saturating_sub(start);
            if len > MAX_CHUNK {
                return Ok(None);
            }
            reader.seek(SeekFrom::Start(start))?;
            return Ok(read_block(reader, len));
        }
        if end >= file_len {
            return Ok(None);
        }
        at = end;
    }
    Ok(None)
}

/// Fills `buf` as far as the data goes; the number of bytes read.
fn read_up_to<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..])? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// A box header: its type, its own length, and the whole box's size (None: to the end).
struct Header {
    kind: [u8; 4],
    len: usize,
    size: Option<u64>,
}

/// Parses the header at the start of `b`; None when it is cut short or its size is smaller
/// than the header itself.
fn header(b: &[u8]) -> Option<Header> {
    let size = u32::from_be_bytes(b.get(..4)?.try_into().ok()?);
    let kind: [u8; 4] = b.get(4..8)?.try_into().ok()?;
    let (len, size) = match size {
        0 => (8, None),
        1 => (16, Some(u64::from_be_bytes(b.get(8..16)?.try_into().ok()?))),
        n => (8, Some(u64::from(n))),
    };
    if size.is_some_and(|s| s < len as u64) {
        return None;
    }
    Some(Header { kind, len, size })
}

/// The child boxes inside `data`, as (type, payload), in order; the walk ends at the first
/// malformed or overlong box, or after [`MAX_CHILDREN`].
fn children(data: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let h = header(rest)?;
        let size = match h.size {
            Some(s) => usize::try_from(s).ok()?,
            None => rest.len(),
        };
        let payload = rest.get(h.len..size)?;
        rest = &rest[size..];
        Some((h.kind, payload))
    })
    .take(MAX_CHILDREN)
}

/// A full box's version, and its payload after the version and flags.
fn full_box(payload: &[u8]) -> Option<(u8, &[u8])> {
    Some((*payload.first()?, payload.get(4..)?))
}

/// A full box's flags.
fn flags(payload: &[u8]) -> u32 {
    payload
        .get(1..4)
        .map_or(0, |f| u32::from_be_bytes([0, f[0], f[1], f[2]]))
}

/// Big-endian numbers read one after another, each of 0, 1, 2, 4 or 8 bytes.
struct Fields<'a> {
    data: &'a [u8],
}

impl Fields<'_> {
    fn uint(&mut self, size: usize) -> Option<u64> {
        if !matches!(size, 0 | 1 | 2 | 4 | 8) {
            return None;
        }
        let (b, rest) = self.data.split_at_checked(size)?;
        self.data = rest;
        Some(b.iter().fold(0u64, |n, &byte| (n << 8) | u64::from(byte)))
    }

    /// A 16-bit id when `wide` is false, else a 32-bit one.
    fn id(&mut self, wide: bool) -> Option<u32> {
        self.uint(if wide { 4 } else { 2 }).map(|n| n as u32)
    }
}

/// The `meta` box's children this reader uses (the first of each type).
#[derive(Default)]
struct MetaBoxes<'a> {
    pitm: Option<&'a [u8]>,
    iinf: Option<&'a [u8]>,
    iloc: Option<&'a [u8]>,
    iprp: Option<&'a [u8]>,
    idat: &'a [u8],
}

impl<'a> MetaBoxes<'a> {
    fn new(body: &'a [u8]) -> Self {
        let mut boxes = MetaBoxes::default();
        let mut idat = None;
        for (kind, payload) in children(body) {
            let slot = match &kind {
                b"pitm" => &mut boxes.pitm,
                b"iinf" => &mut boxes.iinf,
                b"iloc" => &mut boxes.iloc,
                b"iprp" => &mut boxes.iprp,
                b"idat" => &mut idat,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(payload);
            }
        }
        boxes.idat = idat.unwrap_or_default();
        boxes
    }

    /// The primary item's id.
    fn primary(&self) -> Option<u32> {
        let (version, body) = full_box(self.pitm?)?;
        Fields { data: body }.id(version != 0)
    }

    /// The Exif and XMP items, by id, in `iinf` order (at most [`MAX_ITEMS`]).
    fn items(&self) -> Vec<(u32, Kind)> {
        let Some((version, body)) = self.iinf.and_then(full_box) else {
            return Vec::new();
        };
        let count_len = if version == 0 { 2 } else { 4 };
        let Some(infes) = body.get(count_len..) else {
            return Vec::new();
        };
        children(infes)
            .filter(|(kind, _)| kind == b"infe")
            .filter_map(|(_, payload)| item_info(payload))
            .take(MAX_ITEMS)
            .collect()
    }

    /// Where the items `ids` are, from `iloc`.
    fn locations(&self, ids: &[u32]) -> Vec<(u32, Location)> {
        let mut found = Vec::new();
        if ids.is_empty() {
            return found;
        }
        if let Some(iloc) = self.iloc {
            item_locations(iloc, ids, &mut found);
        }
        found
    }

    /// The pixel size: the primary item's `ispe`, else (no primary, or none associated with
    /// it) the largest `ispe` of the file, which a grid image's is.
    fn size(&self, primary: Option<u32>) -> Option<(u32, u32)> {
        let mut props = None;
        let mut ipma = None;
        for (kind, payload) in children(self.iprp?) {
            match &kind {
                b"ipco" => props = props.or(Some(payload)),
                b"ipma" => ipma = ipma.or(Some(payload)),
                _ => {}
            }
        }
        // 1-based property indices of the `ispe` boxes, with their sizes.
        let sizes: Vec<(u64, (u32, u32))> = children(props?)
            .zip(1u64..)
            .filter(|((kind, _), _)| kind == b"ispe")
            .filter_map(|((_, payload), index)| Some((index, ispe(payload)?)))
            .collect();
        let associated = primary.zip(ipma).and_then(|(id, ipma)| {
            let indices = associations(ipma, id)?;
            sizes
                .iter()
                .find(|(index, _)| indices.contains(index))
                .map(|(_, size)| *size)
        });
        associated.or_else(|| {
            sizes
                .iter()
                .map(|(_, size)| *size)
                .max_by_key(|(w, h)| u64::from(*w) * u64::from(*h))
        })
    }
}

/// One `infe`: an `Exif` item, or a `mime` item holding XMP without a content encoding.
/// Versions 0 and 1 have no item type; protected items cannot be read.
fn item_info(payload: &[u8]) -> Option<(u32, Kind)> {
    let (version, body) = full_box(payload)?;
    if version < 2 {
        return None;
    }
    let mut f = Fields { data: body };
    let id = f.id(version >= 3)?;
    let protection = f.uint(2)?;
    let kind = f.data.get(..4)?;
    let rest = &f.data[4..];
    if protection != 0 {
        return None;
    }
    match kind {
        b"Exif" => Some((id, Kind::Exif)),
        b"mime" => {
            let mut strings = rest.split(|&b| b == 0).skip(1);
            let content_type = strings.next()?;
            let encoding = strings.next().unwrap_or_default();
            let xmp = content_type.eq_ignore_ascii_case(b"application/rdf+xml");
            (xmp && encoding.is_empty()).then_some((id, Kind::Xmp))
        }
        _ => None,
    }
}

/// Adds the locations of the items `ids` found in `iloc` to `found`.
fn item_locations(iloc: &[u8], ids: &[u32], found: &mut Vec<(u32, Location)>) -> Option<()> {
    let (version, body) = full_box(iloc)?;
    if version > 2 {
        return None;
    }
    let mut f = Fields { data: body };
    let sizes = f.uint(1)?;
    let (offset_size, length_size) = ((sizes >> 4) as usize, (sizes & 15) as usize);
    let sizes = f.uint(1)?;
    let base_size = (sizes >> 4) as usize;
    let index_size = if version == 0 {
        0
    } else {
        (sizes & 15) as usize
    };
    let count = f.uint(if version < 2 { 2 } else { 4 })?;
    let mut extents_seen = 0usize;
    for _ in 0..count {
        let id = f.id(version == 2)?;
        let method = if version == 0 {
            0
        } else {
            f.uint(2)? as u16 & 15
        };
        let _data_reference = f.uint(2)?;
        let base = f.uint(base_size)?;
        let extent_count = f.uint(2)? as usize;
        let wanted = ids.contains(&id) && found.iter().all(|(seen, _)| *seen != id);
        let mut loc = Location {
            method,
            base,
            extents: Vec::new(),
        };
        for _ in 0..extent_count {
            extents_seen += 1;
            if extents_seen > MAX_EXTENTS {
                return None;
            }
            let _index = f.uint(index_size)?;
            let offset = f.uint(offset_size)?;
            let length = f.uint(length_size)?;
            if wanted {
                loc.extents.push((offset, length));
            }
        }
        if wanted {
            found.push((id, loc));
        }
    }
    Some(())
}

/// An item's bytes, its extents joined; None when an extent lies outside the file (or the
/// `idat`), the method is not 0 or 1, or the item is larger than [`MAX_CHUNK`].
fn item_data<R: Read + Seek>(
    reader: &mut R,
    file_len: u64,
    idat: &[u8],
    loc: &Location,
) -> Result<Option<Vec<u8>>> {
    let source_len = match loc.method {
        0 => file_len,
        1 => idat.len() as u64,
        _ => return Ok(None),
    };
    let mut spans = Vec::with_capacity(loc.extents.len());
    let mut total = 0u64;
    for &(offset, length) in &loc.extents {
        let Some(start) = loc.base.checked_add(offset).filter(|&s| s <= source_len) else {
            return Ok(None);
        };
        let length = if length == 0 {
            source_len - start
        } else {
            length
        };
        let fits = start
            .checked_add(length)
            .is_some_and(|end| end <= source_len);
        total = total.saturating_add(length);
        if !fits || total > MAX_CHUNK {
            return Ok(None);
        }
        spans.push((start, length));
    }
    let mut data = Vec::with_capacity(total as usize);
    for (start, length) in spans {
        if loc.method == 1 {
            data.extend_from_slice(&idat[start as usize..(start + length) as usize]);
            continue;
        }
        reader.seek(SeekFrom::Start(start))?;
        let Some(block) = read_block(reader, length) else {
            return Ok(None);
        };
        data.extend(block);
    }
    Ok(Some(data))
}

/// The EXIF block of an `Exif` item: after the 4-byte offset, the TIFF header is that many
/// bytes on (usually 6, past `Exif\0\0`). An offset that points at no TIFF header is not
/// trusted: the block is read after an `Exif\0\0` prefix, or as it is.
fn exif_tiff(data: &[u8]) -> &[u8] {
    let Some((offset, rest)) = data.split_first_chunk::<4>() else {
        return &[];
    };
    let offset = u32::from_be_bytes(*offset) as usize;
    let is_tiff = |t: &&[u8]| t.starts_with(b"MM\0*") || t.starts_with(b"II*\0");
    rest.get(offset..)
        .filter(is_tiff)
        .or_else(|| rest.strip_prefix(b"Exif\0\0"))
        .unwrap_or(rest)
}

/// `ispe`: a full box, then width and height.
fn ispe(payload: &[u8]) -> Option<(u32, u32)> {
    let (_, body) = full_box(payload)?;
    let mut f = Fields { data: body };
    Some((f.uint(4)? as u32, f.uint(4)? as u32))
}

/// The 1-based property indices `ipma` associates with item `id`.
fn associations(ipma: &[u8], id: u32) -> Option<Vec<u64>> {
    let (version, body) = full_box(ipma)?;
    let wide_index = flags(ipma) & 1 == 1;
    let mut f = Fields { data: body };
    let count = f.uint(4)?;
    for _ in 0..count {
        let item = f.id(version >= 1)?;
        let n = f.uint(1)?;
        let mut indices = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let index = if wide_index {
                f.uint(2)? & 0x7fff
            } else {
                f.uint(1)? & 0x7f
            };
            indices.push(index);
        }
        if item == id {
            return Some(indices);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    use civimg_fake::build::heif::{Builder, MetaSize, Place};
    use civimg_fake::build::tiff;

    fn read_bytes(bytes: &[u8]) -> Entries {
        read(&mut Cursor::new(bytes), &mut Budget::new()).unwrap()
    }

    #[test]
    fn exif_and_xmp_items_in_the_file_and_in_idat() {
        let xmp = r#"<x:xmpmeta><rdf:Description exif:UserComment="from xmp"/></x:xmpmeta>"#;
        for place in [Place::File, Place::Idat] {
            let bytes = Builder::avif(640, 480)
                .exif(&tiff::a1111("a cat\nSteps: 20", true), place)
                .xmp(xmp.as_bytes(), place)
                .build();
            let e = read_bytes(&bytes);
            assert_eq!(e.get("UserComment"), Some("a cat\nSteps: 20"), "{place:?}");
            assert_eq!(e.get("XMP"), Some(xmp), "{place:?}");
            assert_eq!(e.size, Some((640, 480)));
        }
    }

    // ComfyUI's AVIF saver writes its graphs as XMP in its own namespace.
    #[test]
    fn comfy_graphs_in_an_xmp_item_become_prompt_and_workflow() {
        let xmp = r#"<rdf:Description xmlns:comfy="https://github.com/Comfy-Org/ComfyUI">
            <comfy:prompt>{&quot;3&quot;:{}}</comfy:prompt>
            <comfy:workflow>{&quot;nodes&quot;:[]}</comfy:workflow></rdf:Description>"#;
        let bytes = Builder::avif(2, 2).xmp(xmp.as_bytes(), Place::File).build();
        let (container, e) = crate::meta::container::read_bytes(&bytes).unwrap();
        let e = e.unwrap();
        assert_eq!(container, crate::meta::container::Container::Avif);
        assert_eq!(e.get("prompt"), Some(r#"{"3":{}}"#));
        assert_eq!(e.get("workflow"), Some(r#"{"nodes":[]}"#));
    }

    #[test]
    fn the_primary_items_ispe_gives_the_size() {
        // The second item's `ispe` is listed first and is larger: the primary's still wins.
        let bytes = Builder::heic(640, 480).extra_ispe(4000, 3000).build();
        assert_eq!(read_bytes(&bytes).size, Some((640, 480)));
        let bytes = Builder::heic(640, 480)
            .extra_ispe(4000, 3000)
            .no_pitm()
            .build();
        assert_eq!(read_bytes(&bytes).size, Some((4000, 3000)), "the largest");
    }

    #[test]
    fn exif_offsets_are_checked() {
        let tiff = tiff::a1111("x", true);
        let mut prefixed = 6u32.to_be_bytes().to_vec();
        prefixed.extend(b"Exif\0\0");
        prefixed.extend(&tiff);
        assert!(exif_tiff(&prefixed).starts_with(b"MM\0*"));
        let mut wrong = 99u32.to_be_bytes().to_vec();
        wrong.extend(b"Exif\0\0");
        wrong.extend(&tiff);
        assert!(exif_tiff(&wrong).starts_with(b"MM\0*"));
        let mut bare = 0u32.to_be_bytes().to_vec();
        bare.extend(&tiff);
        assert!(exif_tiff(&bare).starts_with(b"MM\0*"));
        assert_eq!(exif_tiff(b"\0\0"), b"");
    }

    #[test]
    fn hostile_sizes_and_extents_are_refused() {
        // An extent past the end of the file, and one of 2^64 - 1 bytes.
        for extent in [(1 << 40, 10), (0, u64::MAX)] {
            let bytes = Builder::avif(8, 8)
                .exif(&tiff::a1111("never", true), Place::Extent(extent))
                .build();
            let e = read_bytes(&bytes);
            assert_eq!(e.get("UserComment"), None);
            assert_eq!(e.size, Some((8, 8)));
        }
        // A `meta` box claiming 2^63 bytes, and one of size 0 (to the end): read as far as
        // the file goes.
        let bytes = Builder::avif(8, 8)
            .exif(&tiff::a1111("kept", true), Place::Idat)
            .meta_size(MetaSize::Huge)
            .build();
        assert_eq!(read_bytes(&bytes).get("UserComment"), Some("kept"));
        let bytes = Builder::avif(8, 8)
            .exif(&tiff::a1111("kept", true), Place::Idat)
            .meta_size(MetaSize::ToEnd)
            .build();
        assert_eq!(read_bytes(&bytes).get("UserComment"), Some("kept"));
        // A top-level box of size 0 before `meta` hides it; garbage stops the walk.
        let hidden = Builder::avif(8, 8).before_meta(b"\0\0\0\0free").build();
        assert_eq!(read_bytes(&hidden).size, None);
        let bytes = Builder::avif(8, 8).build();
        assert_eq!(read_bytes(&bytes).size, Some((8, 8)));
        assert_eq!(read_bytes(&bytes[..30]).size, None);
        // A box whose 64-bit size is smaller than its header ends the walk.
        let mut tiny = 1u32.to_be_bytes().to_vec();
        tiny.extend(b"free");
        tiny.extend(4u64.to_be_bytes());
        let bytes = Builder::avif(8, 8).before_meta(&tiny).build();
        assert_eq!(read_bytes(&bytes).size, None);
    }

    #[test]
    fn zero_width_extents_cannot_make_the_walk_long() {
        // iloc with offset, length and index sizes of 0 and 65535 extents per item, many
        // items: bounded by MAX_EXTENTS, not by the item count times the extent count.
        let mut iloc = vec![1, 0, 0, 0, 0x00, 0x00];
        iloc.extend(u16::MAX.to_be_bytes());
        for id in 0..u16::MAX {
            iloc.extend(id.to_be_bytes());
            iloc.extend([0, 0]); // construction method
            iloc.extend([0, 0]); // data reference
            iloc.extend(u16::MAX.to_be_bytes());
        }
        let mut found = Vec::new();
        assert_eq!(item_locations(&iloc, &[7], &mut found), None);
    }
}
