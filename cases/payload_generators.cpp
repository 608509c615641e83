// The payload sets' generators. Everything here is deterministic: one fixed-seed splitmix64
// stream per set, integer arithmetic only (no libm, whose results may differ between
// platforms), and our own deflate encoder for the PDF's streams. tests/payload_sets_test.cpp
// pins the SHA-256 of each set.
#include "cases/payload_generators.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "cases/flate_fixed.h"

namespace wsconform::cases::detail {

namespace {

// ---------------------------------------------------------------- generation tools

// splitmix64: tiny, fast, and fully specified, so a seed gives the same stream everywhere.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // In [0, n), for n well below 2^32.
    std::uint32_t below(std::uint32_t n) {
        return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32);
    }
    // In [lo, hi].
    int between(int lo, int hi) { return lo + static_cast<int>(below(hi - lo + 1)); }
    bool percent(unsigned p) { return below(100) < p; }
    template <class Container>
    const auto& pick(const Container& c) {
        return c[below(static_cast<std::uint32_t>(std::size(c)))];
    }

  private:
    std::uint64_t state_;
};

// `value` / 10^decimals with exactly `decimals` digits after the point: (-5, 1) -> "-0.5".
std::string fixed(long value, int decimals) {
    const bool negative = value < 0;
    unsigned long magnitude = negative ? 0UL - static_cast<unsigned long>(value) : value;
    unsigned long scale = 1;
    for (int i = 0; i < decimals; ++i) scale *= 10;
    std::string frac = std::to_string(magnitude % scale);
    frac.insert(0, static_cast<std::size_t>(decimals) - frac.size(), '0');
    return (negative ? "-" : "") + std::to_string(magnitude / scale) +
           (decimals > 0 ? "." + frac : "");
}

std::string padded(unsigned long value, int width) {
    std::string s = std::to_string(value);
    if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
    return s;
}

int clamp(int v, int lo, int hi) {
    return std::min(std::max(v, lo), hi);
}

// Small-endian integers for the BMP header.
void put_le(std::string& out, std::uint32_t v, int octets) {
    for (int i = 0; i < octets; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// ---------------------------------------------------------------- shared vocabulary

// Weather stations: the JSON and the HTML set describe the same kind of data. Some names
// are not ASCII (2-, 3- and 4-octet UTF-8), so cutting by code point matters.
constexpr std::string_view kStationNames[] = {
    "Nordhafen",
    "Küstenwald",
    "Øresund Bro",
    "Zürichberg",
    "Reykjavík Flói",
    "Hohe Warte",
    "Feldberg",
    "Brocken",
    "Kahler Asten",
    "Wasserkuppe",
    "Säntis",
    "Sonnblick",
    "Île d'Ouessant",
    "Cabo da Roca",
    "Malin Head",
    "Valentia",
    "Lerwick",
    "Tromsø",
    "Kiruna",
    "Sodankylä",
    "Hel",
    "Constanța",
    "Łeba",
    "Kraków Balice",
    "Αθήνα Ελληνικό",
    "東京 大手町",
    "Москва ВДНХ",
    "São Tomé",
    "Ålesund",
    "Åre Östersund",
    "Mount Washington",
    "Cape Point",
    "Grímsey",
    "Fanø",
    "Sylt List",
};
constexpr std::string_view kRegions[] = {"north", "south",  "east",  "west",
                                         "coast", "alpine", "island"};
struct Sky {
    std::string_view word;
    std::string_view symbol;
};
constexpr Sky kSkies[] = {{"clear", "☀"}, {"few clouds", "🌤"}, {"cloudy", "☁"}, {"rain", "🌧"},
                          {"snow", "❄"},  {"fog", "🌫"},        {"thunder", "⛈"}};

// A station's weather as it drifts hour by hour (12.1's readings, 12.4's tables): a random
// walk of each value within its bounds, and now and then another sky.
struct Weather {
    int temperature;  // tenths of a degree
    int humidity;
    int wind;      // tenths of m/s
    int pressure;  // tenths of hPa
    std::size_t sky;

    static Weather start(Rng& rng) {
        Weather w{};
        w.temperature = rng.between(-150, 280);
        w.humidity = rng.between(40, 95);
        w.wind = rng.between(0, 80);
        w.pressure = rng.between(9900, 10250);
        w.sky = rng.below(std::size(kSkies));
        return w;
    }
    void next_hour(Rng& rng) {
        temperature = clamp(temperature + rng.between(-6, 6), -400, 450);
        humidity = clamp(humidity + rng.between(-3, 3), 5, 100);
        wind = clamp(wind + rng.between(-8, 8), 0, 300);
        pressure = clamp(pressure + rng.between(-4, 4), 9500, 10500);
        if (rng.percent(15)) sky = rng.below(std::size(kSkies));
    }
};

// English-like filler for HTML paragraphs and the PDF's page text.
constexpr std::string_view kEnglish[] = {
    "the",      "of",        "and",      "a",           "to",        "in",       "is",
    "that",     "for",       "it",       "as",          "with",      "was",      "on",
    "be",       "by",        "this",     "are",         "from",      "at",       "or",
    "an",       "which",     "not",      "measurement", "station",   "pressure", "wind",
    "value",    "sensor",    "reading",  "period",      "model",     "error",    "method",
    "result",   "data",      "series",   "signal",      "sample",    "network",  "frame",
    "message",  "protocol",  "latency",  "buffer",      "window",    "stream",   "compression",
    "ratio",    "table",     "figure",   "section",     "average",   "observed", "expected",
    "measured", "reported",  "computed", "derived",     "higher",    "lower",    "small",
    "large",    "daily",     "hourly",   "mean",        "variance",  "estimate", "analysis",
    "system",   "process",   "shows",    "gives",       "remains",   "follows",  "depends",
    "varies",   "between",   "under",    "over",        "each",      "every",    "both",
    "however",  "therefore", "thus",     "while",       "because",   "although", "temperature",
    "humidity", "coastal",   "alpine",   "seasonal",    "variation",
};

// German-like verse: our own word lists, with umlauts and ß.
constexpr std::string_view kDeDeterminers[] = {
    "der",   "die",   "das",    "dem",   "den",   "des",   "ein",   "eine",
    "einen", "einem", "mein",   "dein",  "sein",  "ihr",   "unser", "kein",
    "diese", "jener", "manche", "jedes", "welch", "solch", "meine", "deine",
};
constexpr std::string_view kDeNouns[] = {
    "Herz",   "Geist",   "Welt",     "Nacht",   "Tag",     "Himmel",    "Erde",    "Licht",
    "Zeit",   "Leben",   "Tod",      "Seele",   "Liebe",   "Glück",     "Traum",   "Wort",
    "Blut",   "Feuer",   "Wasser",   "Luft",    "Stern",   "Sonne",     "Mond",    "Berg",
    "Tal",    "Wald",    "Feld",     "Garten",  "Haus",    "Tür",       "Fenster", "Stube",
    "Kirche", "Straße",  "Gasse",    "Stadt",   "Markt",   "Brunnen",   "Quelle",  "Fluss",
    "Meer",   "Weg",     "Freund",   "Vater",   "Mutter",  "Bruder",    "Kind",    "Mädchen",
    "Knabe",  "Frau",    "Mann",     "Herr",    "Meister", "Schüler",   "Bauer",   "Bürger",
    "König",  "Engel",   "Kraft",    "Macht",   "Wissen",  "Kunst",     "Buch",    "Schrift",
    "Feder",  "Glas",    "Wein",     "Becher",  "Tisch",   "Lied",      "Stimme",  "Klang",
    "Gesang", "Sinn",    "Wahrheit", "Schein",  "Bild",    "Gestalt",   "Hand",    "Auge",
    "Mund",   "Blick",   "Gedanke",  "Wille",   "Wunsch",  "Sehnsucht", "Freude",  "Schmerz",
    "Qual",   "Ruh",     "Frieden",  "Ehre",    "Schuld",  "Morgen",    "Abend",   "Frühling",
    "Sommer", "Winter",  "Regen",    "Wind",    "Sturm",   "Blume",     "Rose",    "Baum",
    "Zweig",  "Gold",    "Schatz",   "Mühe",    "Arbeit",  "Werk",      "Tat",     "Spiel",
    "Tanz",   "Fest",    "Gruß",     "Kuss",    "Träne",   "Größe",     "Höhe",    "Tiefe",
    "Ferne",  "Nähe",    "Grund",    "Ende",    "Anfang",  "Schloss",   "Turm",    "Mauer",
    "Höhle",  "Hütte",   "Krone",    "Schwert", "Ring",    "Schlüssel", "Gefühl",  "Gemüt",
    "Blüte",  "Güte",    "Hölle",    "Vögel",   "Brücke",  "Fähre",     "Bäume",   "Hügel",
    "Flöte",  "Übermut", "Äcker",
};
constexpr std::string_view kDeVerbs[] = {
    "ist",    "war",    "hat",      "wird",    "kann",     "muss",    "soll",     "will",
    "mag",    "darf",   "geht",     "ging",    "kommt",    "kam",     "steht",    "stand",
    "liegt",  "sieht",  "sah",      "hört",    "spricht",  "sprach",  "sagt",     "ruft",
    "rief",   "weiß",   "kennt",    "glaubt",  "fühlt",    "denkt",   "dachte",   "liebt",
    "lebt",   "bleibt", "fällt",    "fiel",    "hält",     "gibt",    "gab",      "nimmt",
    "bringt", "sucht",  "findet",   "fand",    "trägt",    "führt",   "schläft",  "wacht",
    "träumt", "singt",  "klingt",   "scheint", "leuchtet", "brennt",  "fließt",   "weht",
    "zieht",  "flieht", "lacht",    "weint",   "grüßt",    "küsst",   "schweigt", "wandert",
    "kehrt",  "öffnet", "schließt", "schwört", "begehrt",  "erkennt", "versteht", "genießt",
};
constexpr std::string_view kDeAdjectives[] = {
    "gut",       "schön",     "alt",         "jung",    "neu",      "hoch",     "tief",
    "weit",      "nah",       "klein",       "groß",    "lang",     "hell",     "dunkel",
    "still",     "leise",     "laut",        "kalt",    "warm",     "heiß",     "süß",
    "bitter",    "froh",      "traurig",     "müde",    "wach",     "frei",     "reich",
    "arm",       "klug",      "wahr",        "treu",    "fromm",    "heilig",   "wild",
    "sanft",     "zart",      "stark",       "schwach", "leer",     "voll",     "bleich",
    "rot",       "grün",      "blau",        "golden",  "ewig",     "selig",    "herrlich",
    "gewaltig",  "heimlich",  "seltsam",     "fremd",   "lieb",     "ruhig",    "munter",
    "fröhlich",  "glücklich", "schrecklich", "düster",  "zärtlich", "göttlich", "irdisch",
    "himmlisch", "töricht",   "übel",        "schwül",  "kühl",     "öde",      "mächtig",
};
constexpr std::string_view kDeAdverbs[] = {
    "nun",     "dann",   "bald",  "gleich", "immer",    "nie",    "oft",     "schon",
    "noch",    "wieder", "heute", "jetzt",  "hier",     "dort",   "oben",    "unten",
    "draußen", "fort",   "hin",   "zurück", "zusammen", "allein", "gewiss",  "wirklich",
    "kaum",    "fast",   "ganz",  "gar",    "sehr",     "genug",  "endlich", "überall",
    "nicht",   "nicht",  "auch",  "nur",    "doch",     "wohl",   "ja",      "so",
};
constexpr std::string_view kDePronouns[] = {
    "ich",  "du",  "er",   "sie", "es",  "wir", "ihr",  "man",  "mir",
    "mich", "dir", "dich", "ihm", "ihn", "uns", "euch", "sich", "ich",
};
constexpr std::string_view kDePrepositions[] = {
    "in", "an",   "auf",   "aus",   "bei", "mit",  "nach", "von",   "vor",
    "zu", "über", "unter", "durch", "für", "ohne", "um",   "gegen", "zwischen",
};
constexpr std::string_view kDeConjunctions[] = {"und",  "und", "aber", "oder", "denn", "doch",
                                                "wenn", "als", "weil", "dass", "ob",   "wie"};
constexpr std::string_view kDeSpeakers[] = {
    "HEINRICH",      "MARTHA",  "KONRAD",  "DER WANDERER", "DIE ALTE",
    "DER SCHREIBER", "ELSBETH", "CHOR",    "EIN BAUER",    "STIMME VON OBEN",
    "DER FÄHRMANN",  "JÜRGEN",  "ÄNNCHEN", "DER TÜRMER",   "ZWEI MÄDCHEN",
};

}  // namespace

// ---------------------------------------------------------------- the sets

// 12.1 (and all of 13): structured JSON, about Autobahn's data1.json's size (194056).
std::string make_json() {
    Rng rng(0x4a534f4e00000001ULL);
    std::string out;
    out.reserve(200'000);
    out += "{\n   \"format\": \"wsconform payload set: weather station readings\",\n";
    out += "   \"version\": 1,\n   \"generated\": true,\n";
    out +=
        "   \"units\": {\n      \"temperature\": \"°C\",\n      \"humidity\": \"%\",\n"
        "      \"wind\": \"m/s\",\n      \"pressure\": \"hPa\"\n   },\n";
    out += "   \"stations\": [\n";
    for (int station = 1;; ++station) {
        const std::string_view name = rng.pick(kStationNames);
        out += "      {\n";
        out += "         \"id\": \"ST-" + padded(station, 4) + "\",\n";
        out += "         \"name\": \"" + std::string(name) + "\",\n";
        out += "         \"region\": \"" + std::string(rng.pick(kRegions)) + "\",\n";
        out += "         \"location\": {\n";
        out += "            \"lat\": " + fixed(rng.between(-60'000'000, 70'000'000), 6) + ",\n";
        out += "            \"lon\": " + fixed(rng.between(-170'000'000, 170'000'000), 6) + ",\n";
        out += "            \"elevation\": " + std::to_string(rng.between(0, 2900)) + "\n";
        out += "         },\n";
        out += std::string("         \"active\": ") + (rng.percent(85) ? "true" : "false") + ",\n";
        out += "         \"sensors\": [\"temperature\", \"humidity\", \"wind\", \"pressure\"],\n";
        out += "         \"readings\": [\n";
        Weather w = Weather::start(rng);
        const int day = rng.between(1, 28);
        for (int hour = 0; hour < 24; ++hour) {
            w.next_hour(rng);
            out += "            {\n";
            out += "               \"time\": \"2024-03-" + padded(day, 2) + "T" + padded(hour, 2) +
                   ":00:00Z\",\n";
            out += "               \"temperature\": " + fixed(w.temperature, 1) + ",\n";
            out += "               \"humidity\": " + std::to_string(w.humidity) + ",\n";
            out += "               \"wind\": " + fixed(w.wind, 1) + ",\n";
            out += "               \"pressure\": " + fixed(w.pressure, 1) + ",\n";
            out += "               \"sky\": \"" + std::string(kSkies[w.sky].word) + "\",\n";
            out += "               \"symbol\": \"" + std::string(kSkies[w.sky].symbol) + "\"\n";
            out += hour == 23 ? "            }\n" : "            },\n";
        }
        out += "         ]\n";
        if (out.size() > 192'000) {
            out += "      }\n   ]\n}\n";
            return out;
        }
        out += "      },\n";
    }
}

// 12.2: a 512x512 8-bit grayscale BMP (the size of Autobahn's lena512.bmp, 263222 octets):
// smooth shapes and gradients plus noise, so it compresses moderately, as a photo does.
std::string make_image() {
    constexpr int kSide = 512;
    constexpr std::uint32_t kPixels = kSide * kSide;
    constexpr std::uint32_t kHeader = 14 + 40 + 256 * 4;
    Rng rng(0x424d500000000002ULL);
    std::string out;
    out.reserve(kHeader + kPixels);
    // BITMAPFILEHEADER
    out += "BM";
    put_le(out, kHeader + kPixels, 4);
    put_le(out, 0, 4);
    put_le(out, kHeader, 4);
    // BITMAPINFOHEADER: 512x512, one plane, 8 bits, uncompressed, 72 dpi, 256 colours
    put_le(out, 40, 4);
    put_le(out, kSide, 4);
    put_le(out, kSide, 4);
    put_le(out, 1, 2);
    put_le(out, 8, 2);
    put_le(out, 0, 4);
    put_le(out, kPixels, 4);
    put_le(out, 2835, 4);
    put_le(out, 2835, 4);
    put_le(out, 256, 4);
    put_le(out, 256, 4);
    for (int i = 0; i < 256; ++i) put_le(out, 0x010101u * i, 4);  // grey ramp (B, G, R, 0)

    struct Blob {
        int x, y, r, amplitude;
    };
    std::vector<Blob> blobs;
    for (int i = 0; i < 14; ++i)
        blobs.push_back({rng.between(0, kSide - 1), rng.between(0, kSide - 1), rng.between(40, 200),
                         rng.between(-90, 110)});
    for (int y = 0; y < kSide; ++y) {  // BMP rows run bottom-up; the picture has no "up"
        for (int x = 0; x < kSide; ++x) {
            int v = 60 + (x + 2 * y) / 8;
            for (const Blob& b : blobs) {
                const long dx = x - b.x, dy = y - b.y;
                const long d2 = dx * dx + dy * dy, r2 = static_cast<long>(b.r) * b.r;
                if (d2 < r2) v += static_cast<int>(b.amplitude * (r2 - d2) / r2);
            }
            // Stripes on part of the picture: texture a photo has (hair, fabric).
            if (x > 300 && y < 260) v += ((x + y / 3) % 23 < 11) ? 12 : -12;
            // Noise: a triangular distribution over [-kNoise, kNoise].
            constexpr int kNoise = 40;
            const int up = rng.between(0, kNoise);
            v += up - rng.between(0, kNoise);
            out.push_back(static_cast<char>(clamp(v, 0, 255)));
        }
    }
    return out;
}

// One word from each list in turn, separated by spaces. (A chain of operator+ would leave the
// order of the draws to the compiler.)
namespace {

void append_words(std::string& out, Rng& rng,
                  std::initializer_list<std::span<const std::string_view>> lists) {
    bool first = true;
    for (auto list : lists) {
        if (!first) out += ' ';
        first = false;
        out += rng.pick(list);
    }
}

// Upper-cases the first letter: ASCII, or ä ö ü (C3 A4/B6/BC -> C3 84/96/9C).
void capitalise(std::string& s) {
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') {
        s[0] = static_cast<char>(s[0] - 'a' + 'A');
    } else if (s.size() > 1 && s[0] == '\xc3' &&
               (s[1] == '\xa4' || s[1] == '\xb6' || s[1] == '\xbc')) {
        s[1] = static_cast<char>(s[1] - 0x20);
    }
}

// One line of German-like verse, capitalised, with closing punctuation.
std::string verse_line(Rng& rng) {
    static constexpr std::string_view kWie[] = {"wie"};
    std::string line;
    switch (rng.below(7)) {
        case 0:
            append_words(line, rng,
                         {kDeDeterminers, kDeNouns, kDeVerbs, kDeAdverbs, kDeAdjectives});
            break;
        case 1:
            append_words(line, rng,
                         {kDePronouns, kDeVerbs, kDeDeterminers, kDeAdjectives, kDeNouns});
            break;
        case 2:
            append_words(line, rng,
                         {kDeConjunctions, kDePronouns, kDeDeterminers, kDeNouns, kDeVerbs});
            break;
        case 3:
            append_words(
                line, rng,
                {kDePrepositions, kDeDeterminers, kDeNouns, kDeVerbs, kDePronouns, kDeAdverbs});
            break;
        case 4:
            append_words(line, rng,
                         {kDeAdjectives, kDeNouns, kDeConjunctions, kDeAdjectives, kDeNouns});
            break;
        case 5:
            append_words(line, rng, {kWie, kDeAdjectives, kDeVerbs, kDeDeterminers, kDeNouns});
            break;
        default:
            append_words(
                line, rng,
                {kDePronouns, kDeVerbs, kDeAdverbs, kDePrepositions, kDeDeterminers, kDeNouns});
            break;
    }
    capitalise(line);
    static constexpr std::string_view kEnds[] = {",", ",", ",", ".", ".", "!", "?", ";", ""};
    line += rng.pick(kEnds);
    return line;
}

// 12.3: a German verse drama in the manner of a Project Gutenberg text (Autobahn sends
// Goethe's Faust I, 222218 octets). Multi-octet UTF-8 throughout; sent as binary.
}  // namespace

std::string make_text() {
    Rng rng(0x4641555354000003ULL);
    std::string out;
    out.reserve(230'000);
    out +=
        "wsconform payload set: German-like verse drama, generated word by word.\n"
        "It only looks like natural language and means nothing.\n\n\n";
    out += "Der Wanderer und die Quelle\n\nEin Spiel in Versen\n\n\n";
    for (int scene = 1; out.size() < 222'000; ++scene) {
        std::string heading;
        append_words(heading, rng, {kDePrepositions, kDeDeterminers, kDeNouns});
        capitalise(heading);
        out += "\n" + std::to_string(scene) + ". " + heading + ".\n\n";
        const int speeches = rng.between(8, 30);
        for (int i = 0; i < speeches; ++i) {
            out += std::string(rng.pick(kDeSpeakers)) + ":\n";
            if (rng.percent(20)) {  // a stage direction
                out += "(";
                append_words(out, rng,
                             {kDePronouns, kDeVerbs, kDePrepositions, kDeDeterminers, kDeNouns});
                out += ".)\n";
            }
            const int lines = rng.percent(70) ? rng.between(1, 6) : rng.between(7, 24);
            for (int l = 0; l < lines; ++l) out += verse_line(rng) + "\n";
            out += "\n";
        }
    }
    out += "\nEnde.\n";
    return out;
}

namespace {

std::string english_sentence(Rng& rng, int min_words, int max_words) {
    std::string s;
    const int n = rng.between(min_words, max_words);
    for (int i = 0; i < n; ++i) {
        if (i > 0) s += ' ';
        s += rng.pick(kEnglish);
    }
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    return s + ".";
}

// 12.4: an HTML report page (Autobahn's data1.html: 263647 octets, 26 of its characters
// non-ASCII): markup-heavy and repetitive, a few non-ASCII characters.
}  // namespace

std::string make_html() {
    Rng rng(0x48544d4c00000004ULL);
    std::string out;
    out.reserve(270'000);
    out +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n   <head>\n      <meta charset=\"utf-8\" />\n"
        "      <title>Station log — generated</title>\n"
        "      <style>\n"
        "         body { font-family: sans-serif; margin: 2em; color: #222; }\n"
        "         h1 { font-size: 1.6em; border-bottom: 2px solid #888; }\n"
        "         h2 { font-size: 1.2em; margin-top: 2em; }\n"
        "         table.readings { border-collapse: collapse; width: 100%; }\n"
        "         table.readings td, table.readings th { border: 1px solid #ccc; padding: 2px "
        "6px; }\n"
        "         tr.odd { background: #f4f4f4; }\n"
        "         td.num { text-align: right; font-family: monospace; }\n"
        "         td.sky.rain, td.sky.thunder { color: #236; }\n"
        "         p.note { font-style: italic; color: #555; }\n"
        "      </style>\n   </head>\n   <body>\n"
        "      <h1>Station log</h1>\n"
        "      <p class=\"note\">wsconform payload set: a generated page… nothing here is "
        "real.</p>\n";
    std::vector<std::string> sections;
    for (int station = 1; out.size() < 258'000; ++station) {
        const std::string id = "ST-" + padded(station, 4);
        const std::string_view name = rng.pick(kStationNames);
        out += "      <section id=\"" + id + "\">\n";
        out += "         <h2>" + id + " — <span class=\"name\">" + std::string(name) +
               "</span></h2>\n";
        const std::string first = english_sentence(rng, 8, 20);
        out += "         <p>" + first + " " + english_sentence(rng, 8, 20) + "</p>\n";
        out +=
            "         <table class=\"readings\">\n            <thead>\n"
            "               <tr><th>Time</th><th>Temperature</th><th>Humidity</th>"
            "<th>Wind</th><th>Pressure</th><th>Sky</th></tr>\n"
            "            </thead>\n            <tbody>\n";
        Weather w = Weather::start(rng);
        for (int hour = 0; hour < 24; ++hour) {
            w.next_hour(rng);
            out += std::string("               <tr class=\"") + (hour % 2 ? "odd" : "even") +
                   "\"><td class=\"time\">" + padded(hour, 2) + ":00</td><td class=\"num\">" +
                   fixed(w.temperature, 1) + "&nbsp;&deg;C</td><td class=\"num\">" +
                   std::to_string(w.humidity) + "&nbsp;%</td><td class=\"num\">" +
                   fixed(w.wind, 1) + "&nbsp;m/s</td><td class=\"num\">" + fixed(w.pressure, 1) +
                   "&nbsp;hPa</td><td class=\"sky " + std::string(kSkies[w.sky].word) + "\">" +
                   std::string(kSkies[w.sky].word) + "</td></tr>\n";
        }
        out += "            </tbody>\n         </table>\n      </section>\n";
        sections.push_back(id);
    }
    out += "      <nav>\n         <ul>\n";
    for (const auto& id : sections)
        out += "            <li><a href=\"#" + id + "\">" + id + "</a></li>\n";
    out +=
        "         </ul>\n      </nav>\n      <footer>© wsconform</footer>\n   </body>\n</html>\n";
    return out;
}

// A grayscale picture for the PDF: smooth with strong noise, like a scanned figure.
namespace {

std::string pdf_picture(Rng& rng, int width, int height) {
    std::string px;
    px.reserve(static_cast<std::size_t>(width) * height);
    const int cx = rng.between(0, width), cy = rng.between(0, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const int d = (std::abs(x - cx) + std::abs(y - cy)) / 2;
            const int v = 200 - d + rng.between(-40, 40);
            px.push_back(static_cast<char>(clamp(v, 0, 255)));
        }
    return px;
}

// A page's content stream: text operators over English-like lines, and a rule.
std::string page_content(Rng& rng, int page) {
    std::string s = "BT\n/F1 10 Tf\n12 TL\n72 730 Td\n";
    const int lines = rng.between(40, 56);
    for (int i = 0; i < lines; ++i) s += "(" + english_sentence(rng, 8, 13) + ") Tj T*\n";
    s += "ET\n0.5 w\n72 60 m\n540 60 l\nS\nBT\n/F2 9 Tf\n300 44 Td\n(" + std::to_string(page) +
         ") Tj\nET\n";
    return s;
}

// 12.5: a PDF-like binary of about 1 MB (Autobahn's is 1042328 octets): real PDF syntax,
// Flate-compressed page contents and pictures (which compress no further), embedded font
// programs, some uncompressed pages, a correct xref table.
}  // namespace

std::string make_pdf() {
    Rng rng(0x5044460000000005ULL);
    std::vector<std::string> objects;  // objects[i] is object number i + 1
    auto add = [&objects](std::string body) {
        objects.push_back(std::move(body));
        return static_cast<int>(objects.size());
    };
    auto ref = [](int n) { return std::to_string(n) + " 0 R"; };
    auto stream = [](std::string dict, const std::string& data) {
        return "<< " + dict + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data +
               "\nendstream";
    };

    const int catalog = add("");  // filled in once the page tree exists
    const int pages = add("");
    add("<< /Title (Generated measurement report) /Producer (wsconform payload set) "
        "/CreationDate (D:20240301120000Z) >>");

    // Two embedded Type 1 fonts: a clear-text part and a binary (encrypted-looking) part.
    std::vector<int> fonts;
    for (const char* font_name : {"GenRoman", "GenMono"}) {
        std::string clear = "%!PS-AdobeFont-1.0: " + std::string(font_name) +
                            " 001.000\n/FontName /" + font_name +
                            " def\n/PaintType 0 def\n/FontType 1 def\n/FontMatrix "
                            "[0.001 0 0 0.001 0 0] readonly def\n/Encoding 256 array\n";
        for (int c = 32; c < 127; ++c)
            clear += "dup " + std::to_string(c) + " /g" + std::to_string(c) + " put\n";
        clear += "readonly def\ncurrentdict end\ncurrentfile eexec\n";
        std::string binary;
        for (int i = 0; i < 90'000; ++i) binary.push_back(static_cast<char>(rng.next() & 0xff));
        std::string trailer;
        for (int i = 0; i < 8; ++i) trailer += std::string(64, '0') + "\n";
        trailer += "cleartomark\n";
        const int file = add(stream("/Length1 " + std::to_string(clear.size()) + " /Length2 " +
                                        std::to_string(binary.size()) + " /Length3 " +
                                        std::to_string(trailer.size()),
                                    clear + binary + trailer));
        const int descriptor =
            add("<< /Type /FontDescriptor /FontName /" + std::string(font_name) +
                " /Flags 34 /FontBBox [-168 -218 1000 898] /ItalicAngle 0 /Ascent 683 "
                "/Descent -217 /CapHeight 662 /StemV 84 /FontFile " +
                ref(file) + " >>");
        std::string widths;
        for (int c = 32; c < 127; ++c) widths += std::to_string(rng.between(250, 722)) + " ";
        fonts.push_back(add("<< /Type /Font /Subtype /Type1 /BaseFont /" + std::string(font_name) +
                            " /FirstChar 32 /LastChar 126 /Widths [" + widths +
                            "] /FontDescriptor " + ref(descriptor) + " >>"));
    }

    std::vector<int> kids;
    for (int page = 1; page <= 120; ++page) {
        const std::string content = page_content(rng, page);
        // Like many older PDFs, most pages keep their content uncompressed.
        const int contents = page % 3 == 0
                                 ? add(stream("/Filter /FlateDecode", detail::flate_fixed(content)))
                                 : add(stream("", content));
        std::string resources = "/Font << /F1 " + ref(fonts[0]) + " /F2 " + ref(fonts[1]) + " >>";
        if (page % 12 == 5) {
            const int w = rng.between(200, 280), h = rng.between(150, 210);
            const int image =
                add(stream("/Type /XObject /Subtype /Image /Width " + std::to_string(w) +
                               " /Height " + std::to_string(h) +
                               " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
                           detail::flate_fixed(pdf_picture(rng, w, h))));
            resources += " /XObject << /Im1 " + ref(image) + " >>";
        }
        kids.push_back(add("<< /Type /Page /Parent " + ref(pages) +
                           " /MediaBox [0 0 612 792] /Resources << " + resources +
                           " >> /Contents " + ref(contents) + " >>"));
    }
    std::string kid_list;
    for (int k : kids) kid_list += ref(k) + " ";
    objects[pages - 1] =
        "<< /Type /Pages /Kids [" + kid_list + "] /Count " + std::to_string(kids.size()) + " >>";
    objects[catalog - 1] = "<< /Type /Catalog /Pages " + ref(pages) + " >>";

    std::string out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
    }
    const std::size_t xref = out.size();
    out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
    for (std::size_t off : offsets) out += padded(off, 10) + " 00000 n \n";
    out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root " + ref(catalog) +
           " /Info 3 0 R >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
    return out;
}

}  // namespace wsconform::cases::detail
