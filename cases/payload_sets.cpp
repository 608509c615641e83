// The payload sets (generated, see docs/payload-sets.md) and the script of 12.x and 13.x.
//
// Everything here is deterministic: one fixed-seed splitmix64 stream per set, integer
// arithmetic only (no libm, whose results may differ between platforms), and our own deflate
// encoder for the PDF's streams. tests/payload_sets_test.cpp pins the SHA-256 of each set.
#include "cases/payload_sets.h"

#include <openssl/sha.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <span>
#include <utility>

#include "cases/payloads.h"

namespace wsconform::cases {

namespace {

using harness::Behavior;
using harness::Event;
using harness::Session;
using harness::WebSocketScript;
namespace opcode = protocol::opcode;

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
        int temperature = rng.between(-150, 280);  // tenths of a degree
        int humidity = rng.between(40, 95);
        int wind = rng.between(0, 80);            // tenths of m/s
        int pressure = rng.between(9900, 10250);  // tenths of hPa
        std::size_t sky = rng.below(std::size(kSkies));
        const int day = rng.between(1, 28);
        for (int hour = 0; hour < 24; ++hour) {
            temperature = clamp(temperature + rng.between(-6, 6), -400, 450);
            humidity = clamp(humidity + rng.between(-3, 3), 5, 100);
            wind = clamp(wind + rng.between(-8, 8), 0, 300);
            pressure = clamp(pressure + rng.between(-4, 4), 9500, 10500);
            if (rng.percent(15)) sky = rng.below(std::size(kSkies));
            out += "            {\n";
            out += "               \"time\": \"2024-03-" + padded(day, 2) + "T" + padded(hour, 2) +
                   ":00:00Z\",\n";
            out += "               \"temperature\": " + fixed(temperature, 1) + ",\n";
            out += "               \"humidity\": " + std::to_string(humidity) + ",\n";
            out += "               \"wind\": " + fixed(wind, 1) + ",\n";
            out += "               \"pressure\": " + fixed(pressure, 1) + ",\n";
            out += "               \"sky\": \"" + std::string(kSkies[sky].word) + "\",\n";
            out += "               \"symbol\": \"" + std::string(kSkies[sky].symbol) + "\"\n";
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
        int temperature = rng.between(-150, 280);
        int humidity = rng.between(40, 95);
        int wind = rng.between(0, 80);
        int pressure = rng.between(9900, 10250);
        std::size_t sky = rng.below(std::size(kSkies));
        for (int hour = 0; hour < 24; ++hour) {
            temperature = clamp(temperature + rng.between(-6, 6), -400, 450);
            humidity = clamp(humidity + rng.between(-3, 3), 5, 100);
            wind = clamp(wind + rng.between(-8, 8), 0, 300);
            pressure = clamp(pressure + rng.between(-4, 4), 9500, 10500);
            if (rng.percent(15)) sky = rng.below(std::size(kSkies));
            out += std::string("               <tr class=\"") + (hour % 2 ? "odd" : "even") +
                   "\"><td class=\"time\">" + padded(hour, 2) + ":00</td><td class=\"num\">" +
                   fixed(temperature, 1) + "&nbsp;&deg;C</td><td class=\"num\">" +
                   std::to_string(humidity) + "&nbsp;%</td><td class=\"num\">" + fixed(wind, 1) +
                   "&nbsp;m/s</td><td class=\"num\">" + fixed(pressure, 1) +
                   "&nbsp;hPa</td><td class=\"sky " + std::string(kSkies[sky].word) + "\">" +
                   std::string(kSkies[sky].word) + "</td></tr>\n";
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

// ---------------------------------------------------------------- sets, built once

struct Built {
    std::string bytes;
    // Text sets: the octet offset of each code point, and the total size at the end.
    std::vector<std::uint32_t> code_points;
    bool text = false;

    std::size_t units() const { return text ? code_points.size() - 1 : bytes.size(); }
    std::size_t offset(std::size_t unit) const { return text ? code_points[unit] : unit; }
};

Built build(std::string bytes, bool text) {
    Built b;
    b.text = text;
    if (text) {
        for (std::size_t i = 0; i < bytes.size(); ++i)
            if ((static_cast<unsigned char>(bytes[i]) & 0xc0) != 0x80)
                b.code_points.push_back(static_cast<std::uint32_t>(i));
        b.code_points.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    b.bytes = std::move(bytes);
    return b;
}

constexpr PayloadSetInfo kInfo[] = {
    {"json", "JSON (weather station readings)", "data1.json", true},
    {"image", "8-bit grayscale 512x512 BMP image", "lena512.bmp", false},
    {"text", "German-like verse drama (UTF-8 text, sent as binary)", "pg2229.txt", false},
    {"html", "HTML report page", "data1.html", true},
    {"pdf", "PDF document", "10.1.1.105.5439.pdf", false},
};

const Built& built(PayloadSet set) {
    switch (set) {
        case PayloadSet::json: {
            static const Built b = build(make_json(), true);
            return b;
        }
        case PayloadSet::image: {
            static const Built b = build(make_image(), false);
            return b;
        }
        case PayloadSet::text: {
            static const Built b = build(make_text(), false);
            return b;
        }
        case PayloadSet::html: {
            static const Built b = build(make_html(), true);
            return b;
        }
        case PayloadSet::pdf:
            break;
    }
    static const Built b = build(make_pdf(), false);
    return b;
}

// ---------------------------------------------------------------- the script

std::string sha1_hex(std::string_view data) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return detail::to_hex({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

std::string octets(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " octet" : " octets");
}

std::string characters(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " character" : " characters");
}

std::string with_units(std::size_t n, bool text) {
    return text ? characters(n) : octets(n);
}

}  // namespace

const PayloadSetInfo& payload_set_info(PayloadSet set) {
    return kInfo[static_cast<std::size_t>(set)];
}

const std::string& payload_bytes(PayloadSet set) {
    return built(set).bytes;
}

std::size_t payload_units(PayloadSet set) {
    return built(set).units();
}

std::string payload_message(PayloadSet set, std::size_t length, std::uint64_t index) {
    const Built& b = built(set);
    const std::uint64_t n = b.units();
    if (length == 0 || n == 0) return {};
    // Autobahn keeps a pointer that advances by `length` modulo the size; message `index`
    // therefore starts at index * length mod n.
    const std::uint64_t from = (index % n) * (length % n) % n;
    const std::uint64_t to = (from + length) % n;
    auto slice = [&b](std::uint64_t a, std::uint64_t z) {
        return b.bytes.substr(b.offset(a), b.offset(z) - b.offset(a));
    };
    if (to > from) return slice(from, to);
    return slice(from, n) + slice(0, to);
}

namespace detail {

std::optional<std::string> echo_difference(std::string_view what, const Event& echo,
                                           std::string_view sent, bool sent_binary,
                                           bool in_code_points) {
    auto kind = [](bool binary) { return binary ? "binary" : "text"; };
    const std::string subject(what);
    if (echo.kind != Event::Kind::message || echo.binary != sent_binary)
        return subject + " came back as a " + kind(echo.binary) + " message; we sent a " +
               kind(sent_binary) + " message.";
    if (echo.data.size() != sent.size()) {
        if (in_code_points && !sent_binary)
            return subject + " has " + characters(code_points(echo.data)) + " (" +
                   octets(echo.data.size()) + "); we sent " + characters(code_points(sent)) + " (" +
                   octets(sent.size()) + ").";
        return subject + " is " + octets(echo.data.size()) + " long; we sent " +
               octets(sent.size()) + ".";
    }
    const auto [got, want] = std::mismatch(echo.data.begin(), echo.data.end(), sent.begin());
    if (got == echo.data.end()) return std::nullopt;
    const auto at = static_cast<std::size_t>(got - echo.data.begin());
    return subject + " has the right length but differs from what we sent from octet " +
           std::to_string(at) + " on (0x" + to_hex(std::string_view(&*got, 1)) +
           " where we sent 0x" + to_hex(std::string_view(&*want, 1)) + "; SHA-1 " +
           sha1_hex(echo.data) + ", we sent " + sha1_hex(sent) + ").";
}

namespace {

// Octets into the LSB-first bit order deflate uses.
class BitWriter {
  public:
    explicit BitWriter(std::string& out) : out_(out) {}
    void put(std::uint32_t bits, int count) {
        acc_ |= static_cast<std::uint64_t>(bits) << filled_;
        filled_ += count;
        while (filled_ >= 8) {
            out_.push_back(static_cast<char>(acc_ & 0xff));
            acc_ >>= 8;
            filled_ -= 8;
        }
    }
    // Huffman codes are defined most significant bit first.
    void put_code(std::uint32_t code, int length) {
        std::uint32_t reversed = 0;
        for (int i = 0; i < length; ++i) reversed |= ((code >> i) & 1u) << (length - 1 - i);
        put(reversed, length);
    }
    void flush() {
        if (filled_ > 0) out_.push_back(static_cast<char>(acc_ & 0xff));
        acc_ = 0;
        filled_ = 0;
    }

  private:
    std::string& out_;
    std::uint64_t acc_ = 0;
    int filled_ = 0;
};

// RFC 1951 3.2.6: the fixed literal/length code.
void put_symbol(BitWriter& w, int symbol) {
    if (symbol <= 143)
        w.put_code(0x30 + symbol, 8);
    else if (symbol <= 255)
        w.put_code(0x190 + (symbol - 144), 9);
    else if (symbol <= 279)
        w.put_code(symbol - 256, 7);
    else
        w.put_code(0xc0 + (symbol - 280), 8);
}

constexpr int kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr int kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr int kDistBase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                               33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                               1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr int kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

}  // namespace

std::string flate_fixed(std::string_view data) {
    constexpr int kMinMatch = 3, kMaxMatch = 258, kWindow = 32768, kChain = 32;
    constexpr std::uint32_t kHashSize = 1u << 15;
    std::string out = "\x78\x01";  // zlib header: deflate, 32K window, no dictionary
    BitWriter w(out);
    w.put(1, 1);  // BFINAL: the only block
    w.put(1, 2);  // BTYPE 01: fixed Huffman codes

    const std::size_t n = data.size();
    std::vector<std::int32_t> head(kHashSize, -1);
    std::vector<std::int32_t> prev(n, -1);
    auto hash = [&data](std::size_t i) {
        const std::uint32_t v = static_cast<unsigned char>(data[i]) |
                                static_cast<unsigned char>(data[i + 1]) << 8 |
                                static_cast<unsigned char>(data[i + 2]) << 16;
        return (v * 2654435761u) >> 17;
    };
    auto insert = [&](std::size_t i) {
        if (i + kMinMatch > n) return;
        const auto h = hash(i);
        prev[i] = head[h];
        head[h] = static_cast<std::int32_t>(i);
    };

    std::size_t i = 0;
    while (i < n) {
        int best_length = 0;
        std::size_t best_distance = 0;
        if (i + kMinMatch <= n) {
            const std::size_t limit = std::min<std::size_t>(kMaxMatch, n - i);
            std::int32_t candidate = head[hash(i)];
            for (int chain = kChain; candidate >= 0 && chain > 0; --chain) {
                const std::size_t distance = i - static_cast<std::size_t>(candidate);
                if (distance > kWindow) break;
                std::size_t length = 0;
                while (length < limit && data[candidate + length] == data[i + length]) ++length;
                if (static_cast<int>(length) > best_length) {
                    best_length = static_cast<int>(length);
                    best_distance = distance;
                    if (length == limit) break;
                }
                candidate = prev[candidate];
            }
        }
        if (best_length >= kMinMatch) {
            int code = 28;
            while (kLengthBase[code] > best_length) --code;
            put_symbol(w, 257 + code);
            w.put(static_cast<std::uint32_t>(best_length - kLengthBase[code]), kLengthExtra[code]);
            int dcode = 29;
            while (kDistBase[dcode] > static_cast<int>(best_distance)) --dcode;
            w.put_code(static_cast<std::uint32_t>(dcode), 5);
            w.put(static_cast<std::uint32_t>(best_distance - kDistBase[dcode]), kDistExtra[dcode]);
            for (int k = 0; k < best_length; ++k) insert(i + k);
            i += best_length;
        } else {
            put_symbol(w, static_cast<unsigned char>(data[i]));
            insert(i);
            ++i;
        }
    }
    put_symbol(w, 256);  // end of block
    w.flush();
    const auto adler = static_cast<std::uint32_t>(
        adler32(adler32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()),
                static_cast<uInt>(data.size())));
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((adler >> shift) & 0xff));
    return out;
}

}  // namespace detail

harness::Case compression_case(CompressionCase spec) {
    const PayloadSetInfo& info = payload_set_info(spec.set);
    const CompressionRow row = spec.row;
    const PayloadSet set = spec.set;
    const bool text = info.text;
    const std::string count = std::to_string(row.count);
    const std::string seconds = std::to_string(row.seconds);

    std::string description = "Sends " + count + (text ? " text" : " binary") +
                              " messages compressed with permessage-deflate, one at a time "
                              "(the next once the previous one came back): each is the next " +
                              with_units(row.length, text) + " of the " +
                              std::string(info.summary) +
                              " payload set, wrapping around at its end, ";
    description += row.auto_fragment == 0 ? std::string("each in a single frame.")
                                          : "auto-fragmented into frames of at most " +
                                                octets(row.auto_fragment) + ".";
    if (!spec.parameters_note.empty()) description += " " + spec.parameters_note;

    const std::string timeout_result =
        "The " + count + " round trips did not finish within " + seconds + " seconds.";
    const std::string what_ok = "All " + count + " messages came back unchanged in time.";

    return harness::Case{
        .id = std::move(spec.id),
        .title = std::move(spec.title),
        .description = std::move(description),
        .expectation =
            "The peer echoes every message unchanged (we compare type, length and "
            "every octet, not only Autobahn's SHA-1) and all " +
            count + " round trips finish within " + seconds +
            " seconds; we then close normally with 1000. If permessage-deflate is "
            "not agreed the case is UNIMPLEMENTED.",
        .rfc = std::move(spec.rfc),
        .requirement = std::move(spec.requirement),
        .level = harness::Level::must,
        .script = WebSocketScript{
            .on_open =
                [set, row, text, timeout_result](Session& s) {
                    s.set_wirelog(false);
                    s.set_auto_fragment_size(row.auto_fragment);
                    s.expect_close(detail::we_close_normally());
                    if (!s.deflate_negotiated()) {
                        s.set_result(Behavior::unimplemented,
                                     "permessage-deflate was not agreed in the opening handshake, "
                                     "so no compressed message was sent.");
                        s.send_close(1000);
                        return;
                    }
                    s.set_result(Behavior::failed, timeout_result);
                    s.close_after(std::chrono::seconds(row.seconds));
                    s.send_message(payload_message(set, row.length, 0), !text);
                },
            // The Session counts the data frames we sent, and every message starts with exactly
            // one frame of its opcode: that count is the number of the message being echoed. The
            // script keeps no state of its own, so concurrent runs of the case cannot mix.
            .on_message =
                [set, row, text, what_ok](Session& s, const Event& echo) {
                    if (!s.is_open()) return;  // decided already; the closing handshake runs
                    auto finish = [&s](Behavior behavior, std::string why) {
                        s.set_result(behavior, std::move(why));
                        s.set_wirelog(true);
                        s.send_close(1000);
                    };
                    const std::uint64_t sent = s.frames_sent(text ? opcode::text : opcode::binary);
                    if (sent == 0) {
                        finish(Behavior::failed, "A message arrived before we sent any.");
                        return;
                    }
                    const std::string expected = payload_message(set, row.length, sent - 1);
                    if (auto why = detail::echo_difference(
                            "Echo " + std::to_string(sent) + " of " + std::to_string(row.count),
                            echo, expected, !text, text)) {
                        finish(Behavior::failed, std::move(*why));
                        return;
                    }
                    if (sent < row.count) {
                        s.send_message(payload_message(set, row.length, sent), !text);
                        return;
                    }
                    finish(Behavior::ok, what_ok);
                },
            // The largest message: text sets are cut by code point, up to 4 octets each.
            .memory_hint = row.length * (text ? 4 : 1),
            .report_time = true,
            .report_compression_ratio = true,
            .deflate_offers = std::move(spec.offers),
            .deflate_server_policy = spec.server_policy,
            .deflate_server_fallbacks = std::move(spec.server_fallbacks),
        },
    };
}

}  // namespace wsconform::cases
