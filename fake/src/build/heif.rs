//! AVIF and HEIC files for tests, built box by box (ISO/IEC 23008-12, the HEIF layout): `ftyp`,
//! a `meta` box (`hdlr`, `pitm`, `iinf`, `iloc`, `iprp` with `ipco`/`ipma`, `idat`), then
//! `mdat`. The image item's data is filler (no decoder reads it); Exif and XMP items are placed
//! in `mdat` (construction method 0), in `idat` (method 1), or at a given extent.

/// Where an Exif or XMP item's bytes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// In `mdat`, by file offset (construction method 0).
    File,
    /// In the `meta` box's `idat` (construction method 1).
    Idat,
    /// Nowhere: the `iloc` extent is this `(offset, length)` as given (method 0), for hostile
    /// files.
    Extent((u64, u64)),
}

/// The `meta` box's own size field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaSize {
    /// Its real size.
    Exact,
    /// A 64-bit size of 2^63, far past the end of the file.
    Huge,
    /// 0: "to the end of the file".
    ToEnd,
}

/// An Exif or XMP item.
struct Item {
    xmp: bool,
    data: Vec<u8>,
    place: Place,
}

/// A HEIF file with one primary image item.
pub struct Builder {
    brand: [u8; 4],
    codec: [u8; 4],
    size: (u32, u32),
    extra_ispe: Option<(u32, u32)>,
    pitm: bool,
    items: Vec<Item>,
    meta_size: MetaSize,
    before_meta: Vec<u8>,
}

/// The primary image item, and the second image item that `extra_ispe` adds.
const PRIMARY: u16 = 1;
const SECOND: u16 = 2;
/// Ids of the Exif and XMP items, in the order added.
const FIRST_META_ITEM: u16 = 10;

impl Builder {
    /// An AVIF (`avif` brand, `av01` item) of this pixel size.
    pub fn avif(width: u32, height: u32) -> Builder {
        Builder::new(*b"avif", *b"av01", (width, height))
    }

    /// A HEIC (`heic` brand, `hvc1` item) of this pixel size.
    pub fn heic(width: u32, height: u32) -> Builder {
        Builder::new(*b"heic", *b"hvc1", (width, height))
    }

    fn new(brand: [u8; 4], codec: [u8; 4], size: (u32, u32)) -> Builder {
        Builder {
            brand,
            codec,
            size,
            extra_ispe: None,
            pitm: true,
            items: Vec::new(),
            meta_size: MetaSize::Exact,
            before_meta: Vec::new(),
        }
    }

    /// Adds an `Exif` item holding `tiff` the usual way: a 4-byte offset of 6, `Exif\0\0`,
    /// then the TIFF block.
    pub fn exif(self, tiff: &[u8], place: Place) -> Builder {
        let mut data = 6u32.to_be_bytes().to_vec();
        data.extend_from_slice(b"Exif\0\0");
        data.extend_from_slice(tiff);
        self.exif_payload(data, place)
    }

    /// Adds an `Exif` item holding `data` as it is (offset field included).
    pub fn exif_payload(mut self, data: Vec<u8>, place: Place) -> Builder {
        self.items.push(Item {
            xmp: false,
            data,
            place,
        });
        self
    }

    /// Adds a `mime` item of type `application/rdf+xml` holding `xmp`.
    pub fn xmp(mut self, xmp: &[u8], place: Place) -> Builder {
        self.items.push(Item {
            xmp: true,
            data: xmp.to_vec(),
            place,
        });
        self
    }

    /// Adds a second image item (a thumbnail, say) with this `ispe`, listed before the
    /// primary's in `ipco`.
    pub fn extra_ispe(mut self, width: u32, height: u32) -> Builder {
        self.extra_ispe = Some((width, height));
        self
    }

    /// Leaves out `pitm`, so no item is primary.
    pub fn no_pitm(mut self) -> Builder {
        self.pitm = false;
        self
    }

    /// Writes the `meta` box's size field this way.
    pub fn meta_size(mut self, size: MetaSize) -> Builder {
        self.meta_size = size;
        self
    }

    /// Puts these raw bytes between `ftyp` and `meta`.
    pub fn before_meta(mut self, raw: &[u8]) -> Builder {
        self.before_meta = raw.to_vec();
        self
    }

    /// The file's bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut head = full_box_bytes(b"ftyp", None, &self.ftyp_body());
        head.extend_from_slice(&self.before_meta);
        // Field widths do not depend on the offsets: build once to learn where `mdat`
        // starts, then again with the real offsets.
        let probe = self.meta_box(0);
        let mdat_data_at = (head.len() + probe.len() + 8) as u64;
        let meta = self.meta_box(mdat_data_at);
        assert_eq!(meta.len(), probe.len());
        let mut out = head;
        out.extend(meta);
        out.extend(plain_box(b"mdat", &self.mdat()));
        out
    }

    fn ftyp_body(&self) -> Vec<u8> {
        let mut b = self.brand.to_vec();
        b.extend_from_slice(&0u32.to_be_bytes());
        for brand in [&self.brand, b"mif1", b"miaf"] {
            b.extend_from_slice(brand);
        }
        b
    }

    /// The image data (filler), then every item placed in the file.
    fn mdat(&self) -> Vec<u8> {
        let mut data = image_filler();
        for item in self.items.iter().filter(|i| i.place == Place::File) {
            data.extend_from_slice(&item.data);
        }
        data
    }

    fn meta_box(&self, mdat_data_at: u64) -> Vec<u8> {
        let mut body = Vec::new();
        let mut hdlr = vec![0; 4];
        hdlr.extend_from_slice(b"pict");
        hdlr.extend_from_slice(&[0; 13]);
        body.extend(full_box_bytes(b"hdlr", Some((0, 0)), &hdlr));
        if self.pitm {
            body.extend(full_box_bytes(
                b"pitm",
                Some((0, 0)),
                &PRIMARY.to_be_bytes(),
            ));
        }
        body.extend(self.iinf());
        body.extend(self.iloc(mdat_data_at));
        body.extend(self.iprp());
        let idat: Vec<u8> = self
            .items
            .iter()
            .filter(|i| i.place == Place::Idat)
            .flat_map(|i| i.data.clone())
            .collect();
        if !idat.is_empty() {
            body.extend(plain_box(b"idat", &idat));
        }
        let mut payload = vec![0; 4]; // version and flags
        payload.extend(body);
        match self.meta_size {
            MetaSize::Exact => plain_box(b"meta", &payload),
            MetaSize::ToEnd => {
                let mut b = 0u32.to_be_bytes().to_vec();
                b.extend_from_slice(b"meta");
                b.extend(payload);
                b
            }
            MetaSize::Huge => {
                let mut b = 1u32.to_be_bytes().to_vec();
                b.extend_from_slice(b"meta");
                b.extend_from_slice(&(1u64 << 63).to_be_bytes());
                b.extend(payload);
                b
            }
        }
    }

    fn image_items(&self) -> Vec<u16> {
        let mut ids = vec![PRIMARY];
        if self.extra_ispe.is_some() {
            ids.push(SECOND);
        }
        ids
    }

    fn iinf(&self) -> Vec<u8> {
        let mut entries = Vec::new();
        for id in self.image_items() {
            entries.push(infe(id, &self.codec, b""));
        }
        for (n, item) in self.items.iter().enumerate() {
            let id = FIRST_META_ITEM + n as u16;
            entries.push(if item.xmp {
                infe(id, b"mime", b"application/rdf+xml\0")
            } else {
                infe(id, b"Exif", b"")
            });
        }
        let mut body = (entries.len() as u16).to_be_bytes().to_vec();
        body.extend(entries.concat());
        full_box_bytes(b"iinf", Some((0, 0)), &body)
    }

    /// `iloc` version 1 (it has construction methods): 4-byte offsets and lengths, or 8-byte
    /// ones when an extent needs them.
    fn iloc(&self, mdat_data_at: u64) -> Vec<u8> {
        let wide = self
            .items
            .iter()
            .any(|i| matches!(i.place, Place::Extent(_)));
        let size = if wide { 8 } else { 4 };
        let mut locations: Vec<(u16, u16, u64, u64)> = Vec::new();
        for id in self.image_items() {
            locations.push((id, 0, mdat_data_at, image_filler().len() as u64));
        }
        let mut in_file = mdat_data_at + image_filler().len() as u64;
        let mut in_idat = 0u64;
        for (n, item) in self.items.iter().enumerate() {
            let id = FIRST_META_ITEM + n as u16;
            let len = item.data.len() as u64;
            locations.push(match item.place {
                Place::File => {
                    in_file += len;
                    (id, 0, in_file - len, len)
                }
                Place::Idat => {
                    in_idat += len;
                    (id, 1, in_idat - len, len)
                }
                Place::Extent((offset, length)) => (id, 0, offset, length),
            });
        }
        let mut body = vec![(size << 4 | size) as u8, 0];
        body.extend_from_slice(&(locations.len() as u16).to_be_bytes());
        for (id, method, offset, length) in locations {
            body.extend_from_slice(&id.to_be_bytes());
            body.extend_from_slice(&method.to_be_bytes());
            body.extend_from_slice(&0u16.to_be_bytes()); // data reference: this file
            body.extend_from_slice(&1u16.to_be_bytes()); // one extent
            for n in [offset, length] {
                body.extend_from_slice(&n.to_be_bytes()[8 - size..]);
            }
        }
        full_box_bytes(b"iloc", Some((1, 0)), &body)
    }

    /// `ipco` holds the second item's `ispe` (when there is one) before the primary's; `ipma`
    /// ties each image item to its own.
    fn iprp(&self) -> Vec<u8> {
        let ispe = |(w, h): (u32, u32)| {
            let mut b = w.to_be_bytes().to_vec();
            b.extend_from_slice(&h.to_be_bytes());
            full_box_bytes(b"ispe", Some((0, 0)), &b)
        };
        let mut ipco = Vec::new();
        let mut ipma = Vec::new();
        if let Some(extra) = self.extra_ispe {
            ipco.extend(ispe(extra));
        }
        ipco.extend(ispe(self.size));
        let primary_index = if self.extra_ispe.is_some() { 2 } else { 1 };
        ipma.push((PRIMARY, primary_index));
        if self.extra_ispe.is_some() {
            ipma.push((SECOND, 1));
        }
        let mut assoc = (ipma.len() as u32).to_be_bytes().to_vec();
        for (id, index) in ipma {
            assoc.extend_from_slice(&id.to_be_bytes());
            assoc.push(1);
            assoc.push(0x80 | index); // essential
        }
        let mut body = plain_box(b"ipco", &ipco);
        body.extend(full_box_bytes(b"ipma", Some((0, 0)), &assoc));
        plain_box(b"iprp", &body)
    }
}

/// An `infe` version 2: id, no protection, the item type, an empty name, then `tail` (a
/// `mime` item's content type).
fn infe(id: u16, kind: &[u8; 4], tail: &[u8]) -> Vec<u8> {
    let mut b = id.to_be_bytes().to_vec();
    b.extend_from_slice(&0u16.to_be_bytes());
    b.extend_from_slice(kind);
    b.push(0);
    b.extend_from_slice(tail);
    full_box_bytes(b"infe", Some((2, 0)), &b)
}

/// Stand-in for the coded image: no reader decodes it.
fn image_filler() -> Vec<u8> {
    (0..64u8).collect()
}

fn plain_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    full_box_bytes(kind, None, body)
}

/// A box; `full` is a full box's (version, flags).
fn full_box_bytes(kind: &[u8; 4], full: Option<(u8, u32)>, body: &[u8]) -> Vec<u8> {
    let extra = if full.is_some() { 4 } else { 0 };
    let mut b = ((8 + extra + body.len()) as u32).to_be_bytes().to_vec();
    b.extend_from_slice(kind);
    if let Some((version, flags)) = full {
        b.push(version);
        b.extend_from_slice(&flags.to_be_bytes()[1..]);
    }
    b.extend_from_slice(body);
    b
}
