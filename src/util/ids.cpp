#include "skiff/util/ids.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>

namespace skiff::ids {

static void fill_random(void *buf, size_t n) {
  auto *p = static_cast<unsigned char *>(buf);
  while (n) {
    ssize_t got = ::getrandom(p, n, 0);
    if (got <= 0)
      continue;
    p += got;
    n -= static_cast<size_t>(got);
  }
}

std::string random_id() {
  unsigned char b[32];
  fill_random(b, sizeof b);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char c : b) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string short_id(const std::string &id) { return id.substr(0, 12); }

namespace {
constexpr std::array adjectives = {
    "admiring", "adoring", "affectionate", "agitated", "amazing", "angry", "awesome",
    "beautiful", "blissful", "bold", "boring", "brave", "busy", "charming", "clever",
    "compassionate", "competent", "condescending", "confident", "cool", "cranky", "crazy",
    "dazzling", "determined", "distracted", "dreamy", "eager", "ecstatic", "elastic",
    "elated", "elegant", "eloquent", "epic", "exciting", "fervent", "festive", "flamboyant",
    "focused", "friendly", "frosty", "funny", "gallant", "gifted", "goofy", "gracious",
    "great", "happy", "hardcore", "heuristic", "hopeful", "hungry", "infallible", "inspiring",
    "intelligent", "interesting", "jolly", "jovial", "keen", "kind", "laughing", "loving",
    "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nice",
    "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive",
    "practical", "priceless", "quirky", "quizzical", "recursing", "relaxed", "reverent",
    "romantic", "sad", "serene", "sharp", "silly", "sleepy", "stoic", "strange", "stupefied",
    "suspicious", "sweet", "tender", "thirsty", "trusting", "unruffled", "upbeat", "vibrant",
    "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful", "zealous",
    "zen"};
constexpr std::array surnames = {
    "agnesi", "albattani", "allen", "archimedes", "babbage", "banach", "bardeen", "bartik",
    "bell", "bhabha", "blackwell", "bohr", "booth", "borg", "bose", "brahmagupta", "brattain",
    "buck", "burnell", "cannon", "carson", "cerf", "chandrasekhar", "clarke", "cohen",
    "curie", "darwin", "davinci", "dijkstra", "dirac", "easley", "einstein", "elbakyan",
    "elion", "engelbart", "euclid", "euler", "faraday", "fermat", "fermi", "feynman",
    "franklin", "galileo", "gauss", "goldberg", "goodall", "gould", "hamilton", "haslett",
    "hawking", "heisenberg", "hellman", "hermann", "hodgkin", "hopper", "hypatia", "jackson",
    "jang", "jennings", "jepsen", "johnson", "joliot", "kalam", "kapitsa", "keldysh",
    "kepler", "khorana", "kilby", "knuth", "kowalevski", "lalande", "lamarr", "lamport",
    "leakey", "leavitt", "lederberg", "lehmann", "lewin", "liskov", "lovelace", "lumiere",
    "mayer", "mccarthy", "mcclintock", "meitner", "mendel", "merkle", "minsky", "mirzakhani",
    "montalcini", "moore", "morse", "napier", "nash", "neumann", "newton", "nobel", "noether",
    "northcutt", "noyce", "pascal", "pasteur", "payne", "perlman", "pike", "poincare",
    "poitras", "ptolemy", "raman", "ramanujan", "ride", "ritchie", "robinson", "rosalind",
    "sammet", "shamir", "shannon", "shaw", "shockley", "sinoussi", "snyder", "spence",
    "stallman", "stonebraker", "swanson", "swartz", "tesla", "thompson", "torvalds", "turing",
    "varahamihira", "villani", "wescoff", "wiles", "williams", "wilson", "wing", "wozniak",
    "wright", "wu", "yalow", "yonath", "zhukovsky"};
} // namespace

std::string random_name() {
  uint32_t r[2];
  fill_random(r, sizeof r);
  return std::string(adjectives[r[0] % adjectives.size()]) + "_" +
         surnames[r[1] % surnames.size()];
}

} // namespace skiff::ids
