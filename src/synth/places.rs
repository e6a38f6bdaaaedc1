//! Fictional street addresses in real cities, and registration numbers in
//! each country's real format with valid check digits (Russian INN and OGRN,
//! Turkish VKN, Kazakh BIN, LEI), so that identifier matching downstream is
//! exercised on realistic values.

use super::rng::Rng;
use crate::model::Day;

const TR_DISTRICTS: &[(&str, &str)] = &[
    ("Şişli", "İstanbul"),
    ("Kadıköy", "İstanbul"),
    ("Ataşehir", "İstanbul"),
    ("Beylikdüzü", "İstanbul"),
    ("Esenyurt", "İstanbul"),
    ("Bakırköy", "İstanbul"),
    ("Ümraniye", "İstanbul"),
    ("Çankaya", "Ankara"),
    ("Konak", "İzmir"),
    ("Akdeniz", "Mersin"),
    ("Osmangazi", "Bursa"),
];
const TR_STREETS: &[&str] =
    &["Atatürk", "Cumhuriyet", "Gazi Mustafa Kemal", "İnönü", "Halaskargazi", "Barbaros", "Bağdat", "Fevzi Çakmak", "Kazım Karabekir"];
const RU_CITIES: &[&str] = &[
    "Москва",
    "Москва",
    "Москва",
    "Санкт-Петербург",
    "Санкт-Петербург",
    "Екатеринбург",
    "Новосибирск",
    "Нижний Новгород",
    "Казань",
    "Самара",
];
const RU_STREETS: &[&str] =
    &["Промышленная", "Садовая", "Лесная", "Заводская", "Новая", "Центральная", "Профсоюзная", "Электродная", "Кожевническая", "Шоссейная"];
const AE_ZONES: &[&str] = &[
    "Jebel Ali Free Zone (JAFZA), Dubai",
    "Jumeirah Lakes Towers, DMCC, Dubai",
    "Dubai Silicon Oasis, Dubai",
    "SAIF Zone, Sharjah",
    "Deira, Dubai",
    "Al Qusais Industrial Area, Dubai",
];
const HK_STREETS: &[&str] = &[
    "Hoi Bun Road, Kwun Tong, Kowloon",
    "Nathan Road, Mong Kok, Kowloon",
    "Des Voeux Road Central, Sheung Wan",
    "Wang Chiu Road, Kowloon Bay",
    "Castle Peak Road, Tsuen Wan, New Territories",
];
const US_CITIES: &[&str] = &[
    "San Jose, CA 95134",
    "Austin, TX 78741",
    "Chandler, AZ 85226",
    "Boston, MA 02110",
    "Dallas, TX 75243",
    "Portland, OR 97229",
    "Raleigh, NC 27607",
    "Santa Clara, CA 95054",
    "Miami, FL 33172",
];
const US_STREETS: &[&str] =
    &["Ridgeview", "Commerce", "Technology", "Harbor", "Innovation", "Lakeside", "Meridian", "Orchard", "Kiln Creek"];
const DE_CITIES: &[&str] = &[
    "80331 München",
    "70173 Stuttgart",
    "20095 Hamburg",
    "01067 Dresden",
    "60311 Frankfurt am Main",
    "90402 Nürnberg",
    "40213 Düsseldorf",
];
const DE_STREETS: &[&str] = &["Industriestraße", "Hauptstraße", "Bahnhofstraße", "Gewerbering", "Lindenallee", "Siemensstraße", "Am Hafen"];
const GENERIC_STREETS: &[&str] = &["Harbour", "Station", "Industrial", "Market", "Riverside", "Park", "Commerce", "Airport", "Central"];

fn city_of(country: &str) -> &'static str {
    match country {
        "NL" => "Eindhoven",
        "FR" => "Grenoble",
        "IT" => "Milano",
        "GB" => "Reading",
        "JP" => "Yokohama",
        "KR" => "Seongnam",
        "CN" => "Shenzhen",
        "TW" => "Hsinchu",
        "IN" => "Bengaluru",
        "PL" => "Wrocław",
        "AM" => "Yerevan",
        "KZ" => "Алматы",
        "KG" => "Бишкек",
        "BY" => "Минск",
        "GE" => "Tbilisi",
        "UZ" => "Tashkent",
        "RS" => "Beograd",
        "SG" => "Singapore",
        "IL" => "Petah Tikva",
        "MY" => "Penang",
        "BR" => "São Paulo",
        "MX" => "Monterrey",
        "FI" => "Espoo",
        "SE" => "Kista",
        "ES" => "Barcelona",
        "CH" => "Zug",
        "AT" => "Linz",
        "BE" => "Antwerpen",
        "CA" => "Ottawa",
        "VN" => "Ho Chi Minh City",
        "TH" => "Bangkok",
        "PH" => "Manila",
        "AU" => "Perth",
        "ZA" => "Johannesburg",
        "NO" => "Oslo",
        "PT" => "Porto",
        "IE" => "Cork",
        "BD" => "Dhaka",
        _ => "",
    }
}

/// A fictional street address in a real city of `country`.
pub fn address(country: &str, rng: &mut Rng) -> String {
    let n = rng.range(1, 240);
    match country {
        "TR" => {
            let (district, city) = rng.pick(TR_DISTRICTS);
            format!("{} Cad. No:{n} D:{}, {district}, {city}", rng.pick(TR_STREETS), rng.range(1, 30))
        }
        "RU" => format!("г. {}, ул. {}, д. {n}, оф. {}", rng.pick(RU_CITIES), rng.pick(RU_STREETS), rng.range(1, 400)),
        "KZ" | "KG" | "BY" => format!("г. {}, ул. {}, д. {n}", city_of(country), rng.pick(RU_STREETS)),
        "AE" => format!("Office {}, Building {}, {}", rng.range(101, 2899), rng.range(1, 60), rng.pick(AE_ZONES)),
        "HK" => format!("Unit {}, {}/F, {n} {}, Hong Kong", rng.range(1, 28), rng.range(2, 30), rng.pick(HK_STREETS)),
        "US" => format!(
            "{} {} {}, {}",
            rng.range(100, 9999),
            rng.pick(US_STREETS),
            rng.pick(&["Ave", "Blvd", "Dr", "Pkwy"]),
            rng.pick(US_CITIES)
        ),
        "DE" => format!("{} {n}, {}", rng.pick(DE_STREETS), rng.pick(DE_CITIES)),
        _ => {
            let city = city_of(country);
            let city = if city.is_empty() { crate::refdata::country_name(country).unwrap_or(country) } else { city };
            format!("{n} {} Street, {city}", rng.pick(GENERIC_STREETS))
        }
    }
}

fn digits(rng: &mut Rng, n: usize) -> Vec<u32> {
    (0..n).map(|_| rng.below(10) as u32).collect()
}

fn join(d: &[u32]) -> String {
    d.iter().map(|x| char::from(b'0' + *x as u8)).collect()
}

const RU_REGIONS: &[u32] = &[77, 77, 77, 78, 78, 50, 66, 54, 52, 16, 63];

/// Russian INN of a legal entity: 10 digits, region first, check digit last.
pub fn inn(rng: &mut Rng) -> String {
    let r = rng.pick(RU_REGIONS);
    let mut d = vec![r / 10, r % 10];
    d.extend(digits(rng, 7));
    const W: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let sum: u32 = d.iter().zip(W).map(|(a, b)| a * b).sum();
    d.push(sum % 11 % 10);
    join(&d)
}

/// Russian OGRN: 13 digits (1, year of registration, region, serial, check digit).
pub fn ogrn(rng: &mut Rng, incorporated: Day) -> String {
    // OGRNs were introduced in 2002; older companies were re-registered then.
    let yy = (incorporated.ymd().0.max(2002) % 100) as u32;
    let r = rng.pick(RU_REGIONS);
    let mut d = vec![1, yy / 10, yy % 10, r / 10, r % 10];
    d.extend(digits(rng, 7));
    let n: u64 = join(&d).parse().expect("digits");
    d.push((n % 11 % 10) as u32);
    join(&d)
}

/// Turkish tax number (VKN): 10 digits with the Revenue Administration's check digit.
pub fn vkn(rng: &mut Rng) -> String {
    let mut d = vec![1 + rng.below(9) as u32];
    d.extend(digits(rng, 8));
    let mut sum = 0;
    for (i, &x) in d.iter().enumerate() {
        let p = 9 - i as u32;
        let t = (x + p) % 10;
        let mut v = (t * 2u32.pow(p)) % 9;
        if t != 0 && v == 0 {
            v = 9;
        }
        sum += v;
    }
    d.push((10 - sum % 10) % 10);
    join(&d)
}

/// Kazakh business identification number: YYMM of registration, entity type, serial, check digit.
pub fn bin(rng: &mut Rng, incorporated: Day) -> String {
    let (y, m, _) = incorporated.ymd();
    loop {
        let yy = (y % 100) as u32;
        let mut d = vec![yy / 10, yy % 10, m / 10, m % 10, 4, 0];
        d.extend(digits(rng, 5));
        let weigh = |w: &[u32]| d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11;
        let mut c = weigh(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
        if c == 10 {
            c = weigh(&[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
        }
        if c < 10 {
            d.push(c);
            return join(&d);
        }
    }
}

/// An ISO 17442 LEI: issuer prefix, entity part, two ISO 7064 MOD 97-10 check digits.
pub fn lei(rng: &mut Rng, country: &str) -> String {
    let prefix = match country {
        "DE" => "5299",
        "GB" => "2138",
        "NL" => "7245",
        "FR" => "9695",
        "JP" => "3538",
        _ => "5493",
    };
    const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut s = String::from(prefix);
    s.push_str("00");
    for _ in 0..12 {
        s.push(rng.pick(ALNUM) as char);
    }
    let check = 98 - mod97(&format!("{s}00"));
    format!("{s}{check:02}")
}

fn mod97(s: &str) -> u32 {
    let mut r = 0u32;
    for c in s.chars() {
        let v = c.to_digit(36).expect("alphanumeric");
        r = if v >= 10 { (r * 100 + v) % 97 } else { (r * 10 + v) % 97 };
    }
    r
}

/// The `identifiers` cell for a company: what its country's registers issue.
pub fn identifiers(country: &str, incorporated: Day, rng: &mut Rng) -> String {
    match country {
        "RU" => format!("inn:{};ogrn:{}", inn(rng), ogrn(rng, incorporated)),
        "TR" => format!("vkn:{}", vkn(rng)),
        "KZ" => format!("bin:{}", bin(rng, incorporated)),
        "BY" => format!("unp:{}", join(&[vec![1 + rng.below(7) as u32], digits(rng, 8)].concat())),
        "AE" if rng.chance(500) => format!("trn:100{}", join(&digits(rng, 12))),
        "US" | "DE" | "GB" | "NL" | "FR" | "IT" | "JP" if rng.chance(450) => format!("lei:{}", lei(rng, country)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_are_valid() {
        let mut rng = Rng::new(4, 0);
        for _ in 0..200 {
            let i = inn(&mut rng);
            assert_eq!(i.len(), 10);
            let o = ogrn(&mut rng, Day::from_ymd(2022, 5, 1).unwrap());
            assert_eq!(o.len(), 13);
            assert!(o.starts_with("122"));
            let n: u64 = o[..12].parse().unwrap();
            assert_eq!((n % 11 % 10).to_string(), &o[12..]);
            let v = vkn(&mut rng);
            assert_eq!(v.len(), 10);
            let b = bin(&mut rng, Day::from_ymd(2022, 4, 3).unwrap());
            assert!(b.starts_with("2204"), "{b}");
            assert_eq!(b.len(), 12);
            let l = lei(&mut rng, "DE");
            assert_eq!(l.len(), 20);
            assert_eq!(mod97(&l), 1, "{l}");
        }
    }

    #[test]
    fn known_inn_checksum() {
        // 7707083893 is a published valid INN; check the weighting reproduces its check digit.
        const W: [u32; 9] = [2, 4, 10, 3, 5, 9, 4, 6, 8];
        let d: Vec<u32> = "770708389".chars().map(|c| c.to_digit(10).unwrap()).collect();
        let sum: u32 = d.iter().zip(W).map(|(a, b)| a * b).sum();
        assert_eq!(sum % 11 % 10, 3);
    }

    #[test]
    fn addresses_name_real_cities() {
        let mut rng = Rng::new(8, 0);
        assert!(address("TR", &mut rng).contains("Cad. No:"));
        assert!(address("RU", &mut rng).starts_with("г. "));
        assert!(address("BR", &mut rng).ends_with("São Paulo"));
        assert!(address("ZA", &mut rng).ends_with("Johannesburg"));
        assert!(address("NI", &mut rng).ends_with("Nicaragua"));
    }
}
