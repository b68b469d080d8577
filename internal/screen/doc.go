// Package screen is Nexus's screening engine: it tells whether a person,
// company, vessel or aircraft is on a designation list, with a score that
// means the same across lists and an explanation an officer can write down.
//
// Names are normalised (Unicode folding, diacritics removed) and romanised
// from Cyrillic, Greek, Armenian, Georgian, Hebrew, Arabic and Persian,
// Hangul, kana, Han (Mandarin readings), the Indic scripts, Thai and Khmer
// by tables in this package; Arabic and Hebrew names, written without
// vowels, are compared with their Latin renderings by consonant skeleton,
// and Chinese syllables across Wade-Giles and pinyin. Names are parsed into
// parts (given, family, patronymic, father's names after bin/ibn,
// particles, legal forms, initials, numbers; titles are dropped) and
// aligned part by part.
//
// An Index holds listed entities in memory. A query first gathers
// candidates through name parts, spelling-variant groups, consonant
// skeletons and similar spellings, weighted by rarity, then scores the best
// few dozen in full:
//
//   - name: the best aligned pair of names; each part pair scores by how it
//     agrees (same, known variant, same consonants, close spelling,
//     initial, same legal form), weighted by how common the part is; parts
//     left unmatched lower the score, query parts much more than listed
//     ones, and parts each side has that the other lacks more still;
//     swapped given/family names, a father's name met as the person's own
//     and differing numbers are penalised;
//   - birth date: agreeing adds a little, disagreeing takes off;
//   - identifiers: an exact match is near-certain;
//   - country and gender: identity evidence only — they can lower a score
//     when they contradict, never raise it. Nationality, religion or
//     ethnicity are never risk factors.
//
// AlgorithmOFAC instead reproduces OFAC Sanctions List Search scores.
//
// The package is pure: no I/O, no database, no network.
package screen
