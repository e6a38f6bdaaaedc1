//! The goods the fictional world trades: every CHPL subheading (from
//! `crate::refdata`) plus common goods that are not export-controlled, each
//! with declaration-style descriptions, a unit, a price and weight range and a
//! typical lot size; and how each country's customs writes an HS code.

use super::rng::Rng;

/// A line of business, which decides who makes and buys a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sector {
    Electronics,
    Industrial,
    Pharma,
    Food,
    Auto,
    Apparel,
    Commodity,
    Consumer,
}

#[derive(Clone, Debug)]
pub struct Product {
    pub hs6: &'static str,
    /// CHPL tier (`1`, `2`, `3.A`...) or `None` when not on the list.
    pub tier: Option<&'static str>,
    pub sector: Sector,
    pub descriptions: &'static [&'static str],
    pub unit: &'static str,
    /// Unit price range in US cents.
    pub price: (u64, u64),
    /// Gross grams per unit.
    pub grams: u64,
    /// Typical quantity in one customs line.
    pub lot: u64,
}

type Profile = (Sector, &'static [&'static str], &'static str, (u64, u64), u64, u64);

/// Declaration profile of a CHPL heading.
fn chpl_profile(hs6: &str) -> Profile {
    use Sector::*;
    match &hs6[..4] {
        "8542" => match hs6 {
            "854231" => (
                Electronics,
                &["INTEGRATED CIRCUITS - MICROCONTROLLERS", "PROCESSOR IC", "ELECTRONIC INTEGRATED CIRCUITS (MCU)", "MICROPROCESSORS"],
                "PCS",
                (80, 4_500),
                2,
                5_000,
            ),
            "854232" => (
                Electronics,
                &["MEMORY INTEGRATED CIRCUITS", "DRAM MEMORY IC", "FLASH MEMORY CHIPS", "EEPROM IC"],
                "PCS",
                (60, 2_400),
                2,
                8_000,
            ),
            "854233" => (
                Electronics,
                &["AMPLIFIER IC", "OPERATIONAL AMPLIFIERS", "RF AMPLIFIER INTEGRATED CIRCUITS"],
                "PCS",
                (30, 1_800),
                1,
                10_000,
            ),
            _ => (
                Electronics,
                &["INTEGRATED CIRCUITS, OTHER", "FPGA INTEGRATED CIRCUITS", "ELECTRONIC INTEGRATED CIRCUITS"],
                "PCS",
                (90, 9_000),
                2,
                4_000,
            ),
        },
        "8517" => (
            Electronics,
            &["NETWORK SWITCHES", "ROUTERS AND DATA TRANSMISSION EQUIPMENT", "RADIO MODULES FOR DATA TRANSMISSION"],
            "PCS",
            (2_000, 180_000),
            900,
            120,
        ),
        "8526" => (Electronics, &["GNSS RECEIVER MODULES", "RADIO NAVIGATION APPARATUS", "GPS MODULES"], "PCS", (1_500, 90_000), 60, 400),
        "8532" => (Electronics, &["TANTALUM CAPACITORS", "MULTILAYER CERAMIC CAPACITORS", "FIXED CAPACITORS"], "PCS", (2, 120), 1, 200_000),
        "8548" => (Electronics, &["ELECTRICAL PARTS OF MACHINERY", "ELECTRONIC PARTS N.E.S."], "PCS", (50, 6_000), 20, 5_000),
        "8471" => (Electronics, &["PROCESSING UNITS", "SERVER PROCESSING UNITS", "COMPUTER UNITS"], "PCS", (20_000, 900_000), 8_000, 40),
        "8504" => (Electronics, &["STATIC CONVERTERS", "DC-DC CONVERTERS", "POWER SUPPLIES"], "PCS", (300, 60_000), 250, 2_000),
        "8525" => (Electronics, &["DIGITAL CAMERAS", "THERMAL IMAGING CAMERAS", "VIDEO CAMERA MODULES"], "PCS", (5_000, 400_000), 400, 150),
        "8529" => (Electronics, &["ANTENNAS AND PARTS", "PARTS FOR RADIO APPARATUS"], "PCS", (200, 30_000), 150, 1_000),
        "8536" => (Electronics, &["CONNECTORS", "PLUGS AND SOCKETS", "ELECTRICAL CONNECTORS"], "PCS", (5, 900), 10, 50_000),
        "8541" => (Electronics, &["TRANSISTORS", "DIODES", "SEMICONDUCTOR DEVICES", "MOSFET TRANSISTORS"], "PCS", (3, 800), 1, 100_000),
        "8482" => (Industrial, &["BALL BEARINGS", "ROLLER BEARINGS", "BEARINGS"], "PCS", (80, 25_000), 400, 2_000),
        "8807" => {
            (Industrial, &["PARTS OF UNMANNED AIRCRAFT", "AIRCRAFT PARTS", "PARTS OF HELICOPTERS"], "PCS", (5_000, 900_000), 3_000, 50)
        }
        "9013" => (Industrial, &["OPTICAL DEVICES", "TELESCOPIC SIGHTS", "OPTICAL INSTRUMENTS"], "PCS", (3_000, 250_000), 600, 100),
        "9014" => (Industrial, &["NAVIGATIONAL INSTRUMENTS", "INERTIAL NAVIGATION UNITS"], "PCS", (10_000, 1_500_000), 1_500, 30),
        "8486" => {
            (Industrial, &["SEMICONDUCTOR MANUFACTURING EQUIPMENT", "WAFER PROCESSING MACHINE"], "PCS", (5_000_000, 90_000_000), 900_000, 1)
        }
        "8534" => (Electronics, &["PRINTED CIRCUIT BOARDS", "PCB ASSEMBLIES BARE"], "PCS", (50, 9_000), 80, 5_000),
        "8543" => (Electronics, &["SIGNAL GENERATORS", "RF SIGNAL GENERATOR"], "PCS", (50_000, 2_500_000), 9_000, 5),
        "9027" => (Industrial, &["SPECTROMETERS", "OPTICAL ANALYSIS INSTRUMENTS"], "PCS", (100_000, 6_000_000), 20_000, 3),
        "9030" => (
            Industrial,
            &["OSCILLOSCOPES", "MULTIMETERS", "MEASURING INSTRUMENTS", "SEMICONDUCTOR TEST EQUIPMENT"],
            "PCS",
            (20_000, 3_000_000),
            6_000,
            10,
        ),
        "8457" | "8458" | "8459" => (
            Industrial,
            &["CNC MACHINING CENTRE", "CNC LATHE", "CNC MILLING MACHINE", "METALWORKING MACHINE TOOL"],
            "PCS",
            (4_000_000, 60_000_000),
            4_500_000,
            1,
        ),
        "8466" => (Industrial, &["PARTS FOR MACHINE TOOLS", "TOOL HOLDERS AND SPINDLES"], "KG", (2_000, 40_000), 1_000, 500),
        _ => (Electronics, &["ELECTRONIC COMPONENTS"], "PCS", (100, 10_000), 50, 1_000),
    }
}

/// HS-6, sector, descriptions, unit, price range in cents, grams per unit, typical lot.
type Common = (&'static str, Sector, &'static [&'static str], &'static str, (u64, u64), u64, u64);

/// Goods that are not on the CHPL, traded by the legitimate background.
const COMMON: &[Common] = &[
    ("090111", Sector::Food, &["COFFEE BEANS, NOT ROASTED", "GREEN COFFEE"], "KG", (250, 900), 1_000, 18_000),
    ("080510", Sector::Food, &["FRESH ORANGES", "ORANGES"], "KG", (60, 160), 1_000, 20_000),
    ("220421", Sector::Food, &["WINE IN BOTTLES", "RED WINE 0.75L"], "L", (300, 4_000), 1_300, 6_000),
    (
        "300490",
        Sector::Pharma,
        &["MEDICAMENTS IN DOSES", "PHARMACEUTICAL PRODUCTS", "MEDICINES PACKED FOR RETAIL"],
        "KG",
        (2_000, 90_000),
        1_000,
        800,
    ),
    ("330499", Sector::Pharma, &["COSMETIC PREPARATIONS", "SKIN CARE PRODUCTS"], "KG", (800, 6_000), 1_000, 1_500),
    ("870323", Sector::Auto, &["PASSENGER CARS 1500-3000CC", "MOTOR CARS"], "PCS", (1_800_000, 7_000_000), 1_600_000, 8),
    ("870899", Sector::Auto, &["PARTS FOR MOTOR VEHICLES", "AUTO SPARE PARTS"], "KG", (400, 4_000), 1_000, 3_000),
    ("401110", Sector::Auto, &["NEW PNEUMATIC TYRES FOR CARS", "CAR TYRES"], "PCS", (3_000, 15_000), 9_000, 600),
    ("610910", Sector::Apparel, &["T-SHIRTS OF COTTON", "KNITTED T-SHIRTS"], "PCS", (150, 900), 180, 12_000),
    ("620342", Sector::Apparel, &["MEN'S TROUSERS OF COTTON", "JEANS"], "PCS", (500, 2_500), 600, 5_000),
    ("847130", Sector::Electronics, &["PORTABLE COMPUTERS (LAPTOPS)", "NOTEBOOK COMPUTERS"], "PCS", (30_000, 180_000), 2_500, 300),
    ("851713", Sector::Electronics, &["SMARTPHONES", "MOBILE TELEPHONES"], "PCS", (8_000, 110_000), 400, 1_000),
    ("852872", Sector::Consumer, &["TELEVISION RECEIVERS", "LED TV SETS"], "PCS", (12_000, 150_000), 14_000, 200),
    ("841810", Sector::Consumer, &["REFRIGERATOR-FREEZERS", "HOUSEHOLD REFRIGERATORS"], "PCS", (25_000, 120_000), 70_000, 60),
    ("940360", Sector::Consumer, &["WOODEN FURNITURE", "FURNITURE OF WOOD"], "KG", (300, 1_500), 1_000, 4_000),
    ("392690", Sector::Consumer, &["ARTICLES OF PLASTICS", "PLASTIC PARTS"], "KG", (300, 2_500), 1_000, 5_000),
    ("848180", Sector::Industrial, &["VALVES AND TAPS", "INDUSTRIAL VALVES"], "PCS", (1_000, 90_000), 3_000, 500),
    ("730890", Sector::Industrial, &["STEEL STRUCTURES", "PARTS OF STRUCTURES OF STEEL"], "KG", (120, 400), 1_000, 20_000),
    ("310520", Sector::Commodity, &["NPK FERTILIZERS", "MINERAL FERTILIZERS"], "KG", (30, 80), 1_000, 200_000),
    ("440710", Sector::Commodity, &["SAWN CONIFEROUS WOOD", "TIMBER, SAWN"], "M3", (15_000, 40_000), 550_000, 60),
    ("271019", Sector::Commodity, &["LUBRICATING OILS", "PETROLEUM OILS, MEDIUM"], "KG", (60, 300), 1_000, 40_000),
    ("720839", Sector::Commodity, &["HOT-ROLLED STEEL COILS", "FLAT-ROLLED IRON"], "KG", (50, 120), 1_000, 100_000),
    ("760110", Sector::Commodity, &["UNWROUGHT ALUMINIUM", "ALUMINIUM INGOTS"], "KG", (200, 320), 1_000, 50_000),
];

/// The whole catalogue: CHPL items first (sorted by HS code), then common goods.
pub fn catalogue() -> Vec<Product> {
    let mut out = Vec::new();
    for item in crate::refdata::chpl_items() {
        let (sector, descriptions, unit, price, grams, lot) = chpl_profile(&item.hs6);
        out.push(Product { hs6: &item.hs6, tier: Some(&item.tier), sector, descriptions, unit, price, grams, lot });
    }
    for &(hs6, sector, descriptions, unit, price, grams, lot) in COMMON {
        debug_assert!(crate::refdata::chpl_item(hs6).is_none(), "{hs6} is on the CHPL");
        out.push(Product { hs6, tier: None, sector, descriptions, unit, price, grams, lot });
    }
    out
}

/// Writes an HS code the way customs of `country` would on the record:
/// Russian and Kazakh 10-digit TN VED, Turkish dotted GTIP, US HTS, EU CN
/// with spaces, or plain HS-6 elsewhere. `national` is the product's fixed
/// national suffix (4 digits) so that one product keeps one tariff line.
pub fn hs_form(hs6: &str, country: &str, national: &str, rng: &mut Rng) -> String {
    let (a, b) = (&hs6[..4], &hs6[4..6]);
    let (n1, n2) = (&national[..2], &national[2..]);
    match country {
        "RU" | "KZ" | "BY" | "KG" | "AM" => format!("{hs6}{national}"),
        "TR" => format!("{a}.{b}.{n1}.{n2}"),
        "US" => format!("{a}.{b}.{national}"),
        "DE" | "NL" | "FR" | "IT" | "PL" | "FI" | "ES" | "AT" | "BE" => format!("{a} {b} {n1}"),
        _ => match rng.below(3) {
            0 => format!("{a}.{b}"),
            1 => format!("{hs6}{n1}"),
            _ => hs6.to_string(),
        },
    }
}

/// A fixed national suffix for a product, so one product keeps one tariff line.
pub fn national_suffix(rng: &mut Rng) -> String {
    format!("{}{}00", rng.pick(&["0", "1", "3", "9"]), rng.pick(&["0", "0", "1", "9"]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::normalize_hs;

    #[test]
    fn catalogue_covers_the_chpl_and_common_goods() {
        let c = catalogue();
        assert_eq!(c.iter().filter(|p| p.tier.is_some()).count(), crate::refdata::chpl_items().len());
        assert!(c.iter().filter(|p| p.tier.is_none()).count() >= 20);
        for p in &c {
            assert!(p.price.0 > 0 && p.price.0 <= p.price.1, "{}", p.hs6);
            assert!(p.grams > 0 && p.lot > 0);
        }
    }

    #[test]
    fn hs_forms_normalise_back_to_the_subheading() {
        let mut rng = Rng::new(1, 0);
        for country in ["RU", "TR", "US", "DE", "AE", "HK"] {
            for _ in 0..10 {
                let f = hs_form("854231", country, "9000", &mut rng);
                let n = normalize_hs(&f).unwrap();
                assert_eq!(&n[..6], "854231", "{f}");
            }
        }
    }
}
