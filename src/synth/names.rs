//! Fictional company names that read like the real registers of each country:
//! Turkish `... Dış Ticaret Ltd. Şti.`, Russian `ООО «Вектор-Микро»`, Emirati
//! `... General Trading LLC`, Kazakh `ТОО «...»`, German `... GmbH`, and so on.
//!
//! Every name is assembled from invented stems; none is meant to be a real
//! company. A name keeps its parts (core and legal form) so that
//! [`super::variants`] can spell it the ways other sources do.

use super::rng::Rng;

/// A legal form as a register writes it, with the spellings other sources use.
#[derive(Debug)]
pub struct Form {
    pub canonical: &'static str,
    /// Other spellings of the same form, as customs clerks and databases write them.
    pub variants: &'static [&'static str],
    /// Whether the form precedes the name (`ООО «...»`) rather than follows it.
    pub prefix: bool,
    /// English equivalent, used in Latin transliterations (`Vektor LLC`).
    pub english: &'static str,
}

macro_rules! form {
    ($c:expr, [$($v:expr),*], $p:expr, $e:expr) => {
        Form { canonical: $c, variants: &[$($v),*], prefix: $p, english: $e }
    };
}

static TR_LTD: Form = form!("Ltd. Şti.", ["LTD. ŞTİ.", "LTD STI", "Limited Şirketi", "LTD.ŞTİ"], false, "Ltd");
static TR_AS: Form = form!("A.Ş.", ["AŞ", "A.S.", "Anonim Şirketi", "ANONIM SIRKETI"], false, "JSC");
static RU_OOO: Form = form!("ООО", ["OOO", "Общество с ограниченной ответственностью", "LLC"], true, "LLC");
static RU_AO: Form = form!("АО", ["AO", "Акционерное общество", "JSC"], true, "JSC");
static KZ_TOO: Form = form!("ТОО", ["TOO", "Товарищество с ограниченной ответственностью", "LLP"], true, "LLP");
static KG_OSOO: Form = form!("ОсОО", ["OsOO", "OSOO", "LLC"], true, "LLC");
static BY_OOO: Form = form!("ООО", ["OOO", "LLC"], true, "LLC");
static BY_OAO: Form = form!("ОАО", ["OAO", "OJSC"], true, "OJSC");
static AE_GT: Form = form!("General Trading LLC", ["GENERAL TRADING L.L.C", "Gen. Trading LLC", "GENERAL TRADING"], false, "LLC");
static AE_FZE: Form = form!("FZE", ["F.Z.E.", "FZE LLC", "Free Zone Establishment"], false, "FZE");
static AE_FZCO: Form = form!("FZCO", ["F.Z.CO", "FZ CO", "Free Zone Company"], false, "FZCO");
static HK_LTD: Form = form!("Co., Limited", ["CO LIMITED", "Co., Ltd.", "COMPANY LIMITED"], false, "Limited");
static CN_LTD: Form = form!("Co., Ltd.", ["CO LTD", "Company Limited", "CO.,LTD"], false, "Co Ltd");
static DE_GMBH: Form = form!("GmbH", ["GMBH", "Gesellschaft mit beschränkter Haftung", "G.m.b.H."], false, "GmbH");
static DE_KG: Form = form!("GmbH & Co. KG", ["GMBH & CO KG", "GmbH u. Co. KG"], false, "GmbH & Co KG");
static NL_BV: Form = form!("B.V.", ["BV", "Besloten Vennootschap"], false, "BV");
static FR_SAS: Form = form!("SAS", ["S.A.S.", "S.A.S"], false, "SAS");
static IT_SRL: Form = form!("S.r.l.", ["SRL", "S.R.L."], false, "Srl");
static GB_LTD: Form = form!("Ltd", ["LIMITED", "Ltd."], false, "Ltd");
static US_INC: Form = form!("Inc", ["Inc.", "INC", "Incorporated"], false, "Inc");
static US_CORP: Form = form!("Corp.", ["Corporation", "CORP", "Corp"], false, "Corp");
static US_LLC: Form = form!("LLC", ["L.L.C.", "LLC."], false, "LLC");
static JP_KK: Form = form!("Co., Ltd.", ["K.K.", "Kabushiki Kaisha", "CO LTD"], false, "Co Ltd");
static KR_LTD: Form = form!("Co., Ltd.", ["CO LTD", "Co. Ltd"], false, "Co Ltd");
static TW_CORP: Form = form!("Corp.", ["Corporation", "CORP"], false, "Corp");
static IN_PVT: Form = form!("Pvt. Ltd.", ["PVT LTD", "Private Limited"], false, "Pvt Ltd");
static PL_SP: Form = form!("Sp. z o.o.", ["SP Z OO", "Sp. z.o.o."], false, "Sp z oo");
static AM_LLC: Form = form!("LLC", ["L.L.C.", "SPY"], false, "LLC");
static SG_PTE: Form = form!("Pte. Ltd.", ["PTE LTD", "Private Limited"], false, "Pte Ltd");
static GENERIC_LTD: Form = form!("Ltd.", ["LTD", "Limited"], false, "Ltd");
static GENERIC_LLC: Form = form!("LLC", ["L.L.C.", "LLC."], false, "LLC");
static GENERIC_SA: Form = form!("S.A.", ["SA", "S.A"], false, "SA");
static GENERIC_DOO: Form = form!("d.o.o.", ["DOO", "D.O.O."], false, "doo");
static GENERIC_AB: Form = form!("AB", ["Aktiebolag"], false, "AB");
static CH_AG: Form = form!("AG", ["A.G.", "Aktiengesellschaft", "SA"], false, "AG");
static GENERIC_OY: Form = form!("Oy", ["OY", "Osakeyhtiö"], false, "Oy");

/// What a company does, which colours its name (`Elektronik`, `Dış Ticaret`, `Logistics`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flavor {
    Electronics,
    Industrial,
    Trade,
    Logistics,
    Pharma,
    Food,
    Auto,
    Apparel,
    Commodity,
    Defence,
    Holding,
    Consumer,
}

/// A company name in parts.
#[derive(Clone, Debug)]
pub struct CompanyName {
    /// Stem plus flavour words, without the legal form (`Ege Yıldız Elektronik`, `Вектор-Микро`).
    pub core: String,
    pub form: &'static Form,
    /// Whether the core is written in Cyrillic.
    pub cyrillic: bool,
}

impl CompanyName {
    /// Closing guillemets for the core, including those of a nested name (`НПП «...»`).
    pub fn closing_quotes(&self) -> String {
        let open = self.core.matches('«').count() + 1;
        "»".repeat(open.saturating_sub(self.core.matches('»').count()))
    }

    /// The name as the company's own register writes it.
    pub fn render(&self) -> String {
        if self.form.prefix {
            format!("{} «{}{}", self.form.canonical, self.core, self.closing_quotes())
        } else {
            format!("{} {}", self.core, self.form.canonical)
        }
    }
}

const US_STEMS: &[&str] = &[
    "Halvorsen",
    "Pemberton",
    "Ardmore",
    "Quillan",
    "Brightwater",
    "Stonebridge",
    "Tillford",
    "Marrowind",
    "Kestrelton",
    "Ashgrove",
    "Copperfield",
    "Larkspur",
    "Whitlock",
    "Dunmere",
    "Calloway",
    "Redmarsh",
    "Silverlake",
    "Hollins",
    "Bramwell",
    "Fairhaven",
    "Northgate",
    "Oakhurst",
    "Westmere",
    "Greystone",
    "Prescott",
    "Vantera",
    "Corvella",
    "Ellery",
    "Thornbury",
    "Blakemore",
    "Carrow",
    "Linwood",
    "Mayfield",
    "Renfrew",
    "Sutter Creek",
    "Wexford",
];
const DE_STEMS: &[&str] = &[
    "Brenner",
    "Hollweg",
    "Kessler",
    "Wendt",
    "Rauscher",
    "Stahlberg",
    "Lindemayr",
    "Ostwald",
    "Falkenrath",
    "Grünwald",
    "Hagedorn",
    "Kranich",
    "Lorenzen",
    "Mittelbach",
    "Nordhaus",
    "Pfeiffer",
    "Reinholt",
    "Schwarzach",
    "Tannhäuser",
    "Weidemann",
    "Zellner",
    "Ahrensfeld",
    "Bernauer",
    "Dornbach",
];
const FR_STEMS: &[&str] = &[
    "Valmont",
    "Delorme",
    "Castelnau",
    "Beauvais",
    "Lemarchand",
    "Roussillon",
    "Verdier",
    "Montclair",
    "Aubrac",
    "Fontenay",
    "Marivaux",
    "Chastel",
];
const IT_STEMS: &[&str] = &[
    "Ferrante",
    "Bellandi",
    "Castellani",
    "Moretti Valle",
    "Sarzana",
    "Ravelli",
    "Tornabuoni",
    "Gallardi",
    "Serravalle",
    "Lucarini",
    "Pontremoli",
    "Vescovi",
];
const NL_STEMS: &[&str] = &[
    "Van Dijkhuis",
    "Groenvelt",
    "Zeewolde",
    "Hoogstraat",
    "Kroonmeer",
    "Lindenhof",
    "Maasbergen",
    "Oosterwijk",
    "Vlietland",
    "Dekkerhaven",
    "Brouwersgracht",
    "Ter Heijde",
];
const GB_STEMS: &[&str] = &[
    "Ashby",
    "Thistledown",
    "Harrowgate",
    "Kingsmere",
    "Pennington",
    "Rothwell",
    "Somerton",
    "Wickham",
    "Aldridge",
    "Bexley Vale",
    "Carnforth",
    "Durnford",
];
const PL_STEMS: &[&str] = &["Wisłomet", "Karpaty", "Bałtyk", "Mazowsze", "Polanex", "Orlik", "Sudety", "Warmex", "Pomorze", "Odramet"];
const TR_STEMS: &[&str] = &[
    "Anadolu",
    "Boğaziçi",
    "Ege",
    "Marmara",
    "Yıldız",
    "Kuzey",
    "Doğu",
    "Akdeniz",
    "Toros",
    "Kartal",
    "Güneş",
    "Ufuk",
    "Derya",
    "Özgür",
    "Demirtaş",
    "Çelikhan",
    "Aydoğan",
    "Kayalar",
    "Şahinler",
    "Ilgaz",
    "Karadağ",
    "Gökçe",
    "Ertuğrul",
    "Sarıkaya",
    "Altınova",
    "Bozkurt",
    "Erciyes",
    "Pamukova",
    "Kızılırmak",
    "Yeşilçam",
    "Tunca",
    "Ayyıldız",
    "Mavişehir",
    "Özdemir",
    "Başaran",
    "Çağlayan",
];
const TR_STEMS2: &[&str] = &["", "", "", "Yıldız", "Teknik", "Global", "Grup", "Mühendislik", "Uluslararası", "Ufuk", "Birlik", "Yeni"];
const RU_STEMS: &[&str] = &[
    "Вектор",
    "Альфа",
    "Сириус",
    "Радиан",
    "Импульс",
    "Меридиан",
    "Электрон",
    "Спектр",
    "Гранит",
    "Орион",
    "Кристалл",
    "Северный",
    "Балтика",
    "Восток",
    "Квант",
    "Феникс",
    "Атлант",
    "Звезда",
    "Парус",
    "Рубикон",
    "Ладога",
    "Кедр",
    "Полярис",
    "Азимут",
    "Горизонт",
    "Светоч",
    "Аврора",
    "Вега",
    "Дельта",
    "Байкал",
    "Фрегат",
    "Магистраль",
];
const KZ_STEMS: &[&str] =
    &["Сарыарка", "Номад", "Бірлік", "Жетысу", "Алтын Дала", "Каспий", "Тұран", "Арыс", "Ертіс", "Самрук", "Кокше", "Шыгыс"];
const KG_STEMS: &[&str] = &["Ала-Тоо", "Ысык", "Тянь-Шань", "Манас", "Чуй", "Нарын", "Талас", "Ак-Суу"];
const BY_STEMS: &[&str] = &["Белтех", "Неман", "Полесье", "Минскэлектро", "Бересть", "Свислочь", "Припять", "Витебск-Микро"];
const AE_STEMS: &[&str] = &[
    "Al Noor",
    "Gulf Horizon",
    "Desert Falcon",
    "Blue Crescent",
    "Al Safa",
    "Palm Crest",
    "Al Rawdah",
    "Sand Dune",
    "Al Mirfa",
    "Pearl Gate",
    "Oasis Link",
    "Al Qudra",
    "Silver Dhow",
    "Al Barsha Star",
    "Marina Bay",
    "Al Jazeera Line",
];
const ZH_STEMS: &[&str] = &[
    "Wing Fat",
    "Kin Shing",
    "Grand Ocean",
    "Ever Bright",
    "Hong Yuan",
    "Tai Lung",
    "Sun Rise",
    "Jia Hui",
    "Fu Xing",
    "Heng Tai",
    "Xin Yuan",
    "Long Sheng",
    "Rui Feng",
    "Hua Chen",
    "Tian Yi",
    "Jin Cheng",
    "Da Tong",
    "Sheng Li",
    "Kai Yue",
    "Bao Feng",
    "Zhong Xin",
    "Yu Hang",
];
const CN_CITIES: &[&str] = &["Shenzhen", "Dongguan", "Suzhou", "Ningbo", "Xiamen", "Chengdu", "Wuhan", "Hangzhou", "Qingdao", "Foshan"];
const JP_STEMS: &[&str] =
    &["Hoshino", "Aozora", "Kawabata", "Takamine", "Shirakaba", "Mizuhara", "Kurogane", "Hayate", "Asahina", "Morikawa"];
const KR_STEMS: &[&str] = &["Hanbit", "Mirae", "Haneul", "Saebyeol", "Dongbang", "Gwangmyeong", "Seorak", "Hanul", "Jinmyeong", "Baekdu"];
const TW_STEMS: &[&str] = &["Yung Li", "Chien Hsin", "Ta Sheng", "Kuo Feng", "Hsin Hua", "Lien Chang", "Tsai Ming", "Chang Yu"];
const IN_STEMS: &[&str] =
    &["Shreeram", "Navbharat", "Vasundhara", "Sahyadri", "Trimurti", "Aravalli", "Kaveri", "Suryansh", "Gangotri", "Vindhya"];
const AM_STEMS: &[&str] = &["Arpa", "Sevan", "Ani", "Lori", "Masis", "Urartu", "Aragats", "Zangezur", "Vayk", "Ararat Valley"];
const GENERIC_STEMS: &[&str] = &[
    "Meridia", "Novaline", "Altavia", "Corvus", "Solvera", "Tessaro", "Vireo", "Halcyon", "Orbisa", "Lumetra", "Kalmar", "Sirocco",
    "Portolan", "Estrela",
];

/// The language family a country's names are written in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {
    Tr,
    Ru,
    De,
    Fr,
    It,
    En,
}

fn lang(country: &str) -> Lang {
    match country {
        "TR" => Lang::Tr,
        "RU" | "BY" | "KZ" | "KG" => Lang::Ru,
        "DE" | "AT" | "CH" => Lang::De,
        "FR" => Lang::Fr,
        "IT" => Lang::It,
        _ => Lang::En,
    }
}

fn stems(country: &str) -> &'static [&'static str] {
    match country {
        "US" | "CA" => US_STEMS,
        "DE" | "AT" | "CH" => DE_STEMS,
        "FR" => FR_STEMS,
        "IT" => IT_STEMS,
        "NL" | "BE" => NL_STEMS,
        "GB" | "IE" => GB_STEMS,
        "PL" => PL_STEMS,
        "TR" => TR_STEMS,
        "RU" => RU_STEMS,
        "KZ" => KZ_STEMS,
        "KG" => KG_STEMS,
        "BY" => BY_STEMS,
        "AE" => AE_STEMS,
        "HK" | "CN" | "SG" | "MO" => ZH_STEMS,
        "JP" => JP_STEMS,
        "KR" => KR_STEMS,
        "TW" => TW_STEMS,
        "IN" => IN_STEMS,
        "AM" => AM_STEMS,
        _ => GENERIC_STEMS,
    }
}

fn flavor_words(l: Lang, f: Flavor) -> &'static [&'static str] {
    use Flavor::*;
    match (l, f) {
        (Lang::Tr, Electronics) => &["Elektronik", "Elektronik San. ve Tic.", "Teknoloji", "Bilişim", "Elektronik Sistemleri"],
        (Lang::Tr, Industrial) => &["Makina San. ve Tic.", "Rulman", "Endüstri", "Makina"],
        (Lang::Tr, Trade) => &["Dış Ticaret", "İthalat İhracat", "Dış Tic.", "Uluslararası Ticaret"],
        (Lang::Tr, Logistics) => &["Lojistik", "Nakliyat", "Taşımacılık"],
        (Lang::Tr, Pharma) => &["İlaç", "Medikal", "Ecza Deposu"],
        (Lang::Tr, Food) => &["Gıda", "Tarım Ürünleri", "Gıda San. ve Tic."],
        (Lang::Tr, Auto) => &["Otomotiv", "Oto Yedek Parça"],
        (Lang::Tr, Apparel) => &["Tekstil", "Konfeksiyon", "Giyim"],
        (Lang::Tr, Commodity) => &["Madencilik", "Kimya", "Metal"],
        (Lang::Tr, Defence) => &["Savunma Sanayi"],
        (Lang::Tr, Holding) => &["Holding", "Yatırım Holding"],
        (Lang::Tr, Consumer) => &["Mobilya", "Ev Ürünleri", "Plastik"],
        (Lang::Ru, Electronics) => &["-Микро", "-Электроникс", "-Компонент", "Электро", "-Чип", "-Радиокомплект"],
        (Lang::Ru, Industrial) => &["-Станкоснаб", "-Подшипник", "-Пром", "-Техснаб"],
        (Lang::Ru, Trade) => &["-Трейд", "-Импорт", "-Снаб", "Торг", "-Групп"],
        (Lang::Ru, Logistics) => &["-Логистик", "-Транзит", "-Экспедиция"],
        (Lang::Ru, Pharma) => &["-Фарм", "-Медика"],
        (Lang::Ru, Food) => &["-Продукт", "-Агро"],
        (Lang::Ru, Auto) => &["-Авто", "-Моторс"],
        (Lang::Ru, Apparel) => &["-Текстиль", "-Стиль"],
        (Lang::Ru, Commodity) => &["-Металл", "-Нефтехим", "-Лес", "-Агрохим"],
        (Lang::Ru, Defence) => &["-Прибор", "-Радиотехника", "-Оптика", "-Навигация", "-Спецтехника"],
        (Lang::Ru, Holding) => &["-Инвест", "-Капитал", " Холдинг"],
        (Lang::Ru, Consumer) => &["-Быт", "-Дом"],
        (Lang::De, Electronics) => &["Elektronik", "Bauelemente", "Halbleiter", "Elektrotechnik"],
        (Lang::De, Industrial) => &["Maschinenbau", "Werkzeugmaschinen", "Antriebstechnik", "Präzisionstechnik"],
        (Lang::De, Trade) => &["Handel", "Handelsgesellschaft", "Distribution"],
        (Lang::De, Logistics) => &["Spedition", "Logistik"],
        (Lang::De, Pharma) => &["Pharma", "Arzneimittel"],
        (Lang::De, Food) => &["Feinkost", "Lebensmittel"],
        (Lang::De, Auto) => &["Fahrzeugteile", "Automobil"],
        (Lang::De, Apparel) => &["Textil", "Moden"],
        (Lang::De, Commodity) => &["Stahlhandel", "Rohstoffe"],
        (Lang::De, Defence) => &["Wehrtechnik"],
        (Lang::De, Holding) => &["Beteiligungen", "Holding"],
        (Lang::De, Consumer) => &["Haushaltswaren", "Möbel"],
        (Lang::Fr, Electronics) => &["Composants", "Électronique", "Semiconducteurs"],
        (Lang::Fr, Industrial) => &["Mécanique", "Industrie", "Roulements"],
        (Lang::Fr, Trade) => &["Négoce", "Commerce International"],
        (Lang::Fr, Logistics) => &["Transports", "Logistique"],
        (Lang::Fr, Pharma) => &["Laboratoires", "Pharma"],
        (Lang::Fr, Food) => &["Alimentaire", "Vins et Spiritueux"],
        (Lang::Fr, Auto) => &["Automobiles", "Équipements Auto"],
        (Lang::Fr, Apparel) => &["Textiles", "Confection"],
        (Lang::Fr, Commodity) => &["Métaux", "Chimie"],
        (Lang::Fr, Defence) => &["Défense"],
        (Lang::Fr, Holding) => &["Participations"],
        (Lang::Fr, Consumer) => &["Maison", "Ameublement"],
        (Lang::It, Electronics) => &["Elettronica", "Componenti", "Microelettronica"],
        (Lang::It, Industrial) => &["Meccanica", "Macchine Utensili", "Cuscinetti"],
        (Lang::It, Trade) => &["Commerciale", "Import Export"],
        (Lang::It, Logistics) => &["Trasporti", "Logistica"],
        (Lang::It, Pharma) => &["Farmaceutici"],
        (Lang::It, Food) => &["Alimentari", "Vini"],
        (Lang::It, Auto) => &["Ricambi Auto"],
        (Lang::It, Apparel) => &["Moda", "Tessile"],
        (Lang::It, Commodity) => &["Metalli", "Chimica"],
        (Lang::It, Defence) => &["Difesa"],
        (Lang::It, Holding) => &["Partecipazioni"],
        (Lang::It, Consumer) => &["Arredamento", "Casa"],
        (Lang::En, Electronics) => {
            &["Microdevices", "Semiconductor", "Electronics", "Components", "Technologies", "Microsystems", "Electronic Components"]
        }
        (Lang::En, Industrial) => &["Machine Tools", "Bearings", "Precision Machinery", "Industrial", "Engineering"],
        (Lang::En, Trade) => &["Trading", "International Trading", "Import Export", "Global Trade", "Supply"],
        (Lang::En, Logistics) => &["Logistics", "Freight", "Shipping"],
        (Lang::En, Pharma) => &["Pharmaceuticals", "Life Sciences", "Healthcare"],
        (Lang::En, Food) => &["Foods", "Agro", "Coffee Traders"],
        (Lang::En, Auto) => &["Motors", "Auto Parts"],
        (Lang::En, Apparel) => &["Apparel", "Textiles", "Garments"],
        (Lang::En, Commodity) => &["Metals", "Chemicals", "Resources", "Timber"],
        (Lang::En, Defence) => &["Defense Systems"],
        (Lang::En, Holding) => &["Holdings", "Capital", "Investments"],
        (Lang::En, Consumer) => &["Home Products", "Furniture", "Consumer Goods"],
    }
}

fn form_for(country: &str, flavor: Flavor, rng: &mut Rng) -> &'static Form {
    let big = rng.chance(300);
    match country {
        "TR" => {
            if big || flavor == Flavor::Holding {
                &TR_AS
            } else {
                &TR_LTD
            }
        }
        "RU" => {
            if big || flavor == Flavor::Defence {
                &RU_AO
            } else {
                &RU_OOO
            }
        }
        "KZ" => &KZ_TOO,
        "KG" => &KG_OSOO,
        "BY" => {
            if big {
                &BY_OAO
            } else {
                &BY_OOO
            }
        }
        "AE" => rng.pick(&[&AE_GT, &AE_FZE, &AE_FZCO]),
        "HK" | "MO" => &HK_LTD,
        "CN" => &CN_LTD,
        "DE" | "AT" => {
            if big {
                &DE_KG
            } else {
                &DE_GMBH
            }
        }
        "NL" | "BE" => &NL_BV,
        "FR" => &FR_SAS,
        "IT" => &IT_SRL,
        "GB" | "IE" => &GB_LTD,
        "US" | "CA" => rng.pick(&[&US_INC, &US_INC, &US_CORP, &US_LLC]),
        "JP" => &JP_KK,
        "KR" => &KR_LTD,
        "TW" => &TW_CORP,
        "IN" => &IN_PVT,
        "PL" => &PL_SP,
        "AM" | "GE" | "UZ" => &AM_LLC,
        "SG" => &SG_PTE,
        "RS" | "SI" | "HR" => &GENERIC_DOO,
        "SE" => &GENERIC_AB,
        "FI" => &GENERIC_OY,
        "CH" => &CH_AG,
        "ES" | "MX" | "BR" | "PT" => &GENERIC_SA,
        "IL" | "MY" | "TH" | "VN" | "PH" | "ZA" | "AU" | "NO" => &GENERIC_LTD,
        _ => &GENERIC_LLC,
    }
}

/// Invents a company name for a country and line of business. Russian,
/// Belarusian, Kazakh and Kyrgyz names are in Cyrillic, as their registers write them.
pub fn company_name(country: &str, flavor: Flavor, rng: &mut Rng) -> CompanyName {
    let l = lang(country);
    let stem = rng.pick(stems(country));
    let word = rng.pick(flavor_words(l, flavor));
    let core = match l {
        Lang::Ru => {
            // Russian trade names glue stem and suffix: «Вектор-Микро», «ЭлектроТорг».
            if word.starts_with('-') || word.starts_with(' ') {
                format!("{stem}{word}")
            } else {
                format!("{word}{}", stem.to_lowercase())
            }
        }
        Lang::Tr => {
            let second = rng.pick(TR_STEMS2);
            if second.is_empty() || second == stem {
                format!("{stem} {word}")
            } else {
                format!("{stem} {second} {word}")
            }
        }
        Lang::En if country == "CN" => format!("{} {stem} {word}", rng.pick(CN_CITIES)),
        Lang::En if country == "HK" && rng.chance(400) => format!("{stem} {word} (HK)"),
        _ => format!("{stem} {word}"),
    };
    let form = match (country, flavor) {
        // Russian defence plants are usually joint-stock research-and-production enterprises.
        ("RU", Flavor::Defence) => &RU_AO,
        _ => form_for(country, flavor, rng),
    };
    let core = if country == "RU" && flavor == Flavor::Defence && rng.chance(600) {
        format!("{} «{core}", rng.pick(&["НПП", "НПО", "Концерн", "ОКБ"]))
    } else {
        core
    };
    CompanyName { core, form, cyrillic: l == Lang::Ru }
}

/// Makes a name unique among those already used by adding a word, as a
/// register does when a trade name is taken (`Anadolu Elektronik Plus`).
pub fn disambiguate(name: &mut CompanyName, attempt: usize) {
    const LATIN: &[&str] = &["Plus", "Global", "Group", "International", "Pro", "Nord", "Central", "Partners", "Line", "Express"];
    const CYRILLIC: &[&str] = &["Плюс", "Групп", "Про", "Центр", "Север", "Юг", "Инвест", "Сервис", "Лайн", "Экспресс"];
    let words = if name.cyrillic { CYRILLIC } else { LATIN };
    let base = name.core.clone();
    let word = words[(attempt - 1) % words.len()];
    let round = (attempt - 1) / words.len();
    name.core = if round == 0 { format!("{base} {word}") } else { format!("{base} {word} {}", round + 1) };
}

const FIRST_TR: &[&str] = &["Mehmet", "Ayşe", "Murat", "Elif", "Serkan", "Zeynep", "Hakan", "Gülşen", "Oğuz", "Burcu", "Emre", "Selin"];
const LAST_TR: &[&str] = &["Kaplanoğlu", "Yazıcıoğlu", "Tekinalp", "Durmuşoğlu", "Karahanlı", "Sönmezer", "Aksoylu", "Ertuğrulsoy"];
const FIRST_RU: &[&str] = &["Андрей", "Сергей", "Дмитрий", "Ольга", "Игорь", "Наталья", "Алексей", "Виктор", "Елена", "Павел"];
const LAST_RU: &[&str] = &["Северцев", "Громницкий", "Лапотников", "Бережной", "Калинович", "Стрельцов", "Заварзин", "Трубецкой-Орлов"];
const FIRST_EN: &[&str] = &["Daniel", "Laura", "Marcus", "Nadia", "Omar", "Farid", "Irina", "Viktor", "Hassan", "Lena", "Timur", "Aram"];
const LAST_EN: &[&str] =
    &["Kovalenko", "Al-Rashidi", "Petrosyan", "Nurlanov", "Haddad", "Voskanyan", "Baimukhanov", "Sandoval", "Marchetti", "Lindqvist"];
const PATRONYMICS: &[&str] = &["Викторович", "Сергеевич", "Андреевич", "Павлович", "Игоревич"];

/// Invents a person's name in the style of the country.
pub fn person_name(country: &str, rng: &mut Rng) -> String {
    match country {
        "TR" => format!("{} {}", rng.pick(FIRST_TR), rng.pick(LAST_TR)),
        "RU" | "BY" => {
            let last = rng.pick(LAST_RU);
            let first = rng.pick(FIRST_RU);
            // Russian surnames and patronymics are gendered; keep the pair consistent.
            let female = matches!(first, "Ольга" | "Наталья" | "Елена");
            let last = if female { format!("{last}а") } else { last.to_string() };
            let pat = rng.pick(PATRONYMICS);
            let pat = if female { pat.replace("ович", "овна").replace("евич", "евна") } else { pat.to_string() };
            format!("{last} {first} {pat}")
        }
        _ => format!("{} {}", rng.pick(FIRST_EN), rng.pick(LAST_EN)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_national_forms() {
        let mut rng = Rng::new(5, 0);
        for _ in 0..50 {
            let tr = company_name("TR", Flavor::Trade, &mut rng).render();
            assert!(tr.ends_with("Ltd. Şti.") || tr.ends_with("A.Ş."), "{tr}");
            let ru = company_name("RU", Flavor::Electronics, &mut rng).render();
            assert!(ru.starts_with("ООО «") || ru.starts_with("АО «"), "{ru}");
            assert!(ru.ends_with('»'));
            let kz = company_name("KZ", Flavor::Trade, &mut rng).render();
            assert!(kz.starts_with("ТОО «"), "{kz}");
            let ae = company_name("AE", Flavor::Trade, &mut rng).render();
            assert!(ae.ends_with("LLC") || ae.ends_with("FZE") || ae.ends_with("FZCO"), "{ae}");
            let hk = company_name("HK", Flavor::Electronics, &mut rng).render();
            assert!(hk.ends_with("Co., Limited"), "{hk}");
        }
    }

    #[test]
    fn every_country_table_has_stems() {
        for c in
            ["US", "DE", "FR", "IT", "NL", "GB", "PL", "TR", "RU", "KZ", "KG", "BY", "AE", "HK", "CN", "JP", "KR", "TW", "IN", "AM", "BR"]
        {
            assert!(!stems(c).is_empty());
        }
    }
}
