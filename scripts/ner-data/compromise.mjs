// Writes crates/extract/data/ner/gaz-orgs.txt from the npm package compromise (MIT):
// organisation names (its lexicon's Organization and SportsTeam entries) and
// organisation head words (its list of words that end an organisation's name).
// Development time only:
//   npm install --prefix /tmp/compromise compromise@14.17.0
//   node scripts/ner-data/compromise.mjs /tmp/compromise
import { writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const prefix = process.argv[2]
if (!prefix) throw new Error('usage: orgs.mjs NPM_PREFIX (holding node_modules/compromise)')
const root = join(prefix, 'node_modules/compromise')
const nlp = (await import(pathToFileURL(join(root, 'src/three.js')).href)).default
const orgWords = (await import(pathToFileURL(join(root, 'src/2-two/preTagger/model/orgWords.js')).href)).default
const version = JSON.parse(
  await (await import('node:fs/promises')).readFile(join(root, 'package.json'), 'utf8'),
).version

const words = Object.keys(orgWords).filter((w) => orgWords[w] === true).sort()
const wordSet = new Set(words)
const names = []
for (const [name, tag] of Object.entries(nlp.model().one.lexicon)) {
  const tags = Array.isArray(tag) ? tag : [tag]
  if (!tags.includes('Organization') && !tags.includes('SportsTeam')) continue
  // Abbreviations of head words ("inc", "dept") are words, not names.
  if (wordSet.has(name) || name.length < 2) continue
  names.push(name)
}
names.sort()
const lines = [
  `# Organisation head words and names, lowercase, from the npm package compromise ${version} (MIT).`,
  '# "word<TAB>w": a word that ends an organisation\'s name; "name<TAB>n": an organisation or sports team.',
  '# Built by scripts/ner-data/orgs.mjs.',
  ...words.map((w) => `word\t${w}`),
  ...names.map((n) => `name\t${n}`),
]
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../crates/extract/data/ner')
writeFileSync(join(dir, 'gaz-orgs.txt'), lines.join('\n') + '\n')
console.log(`${words.length} words, ${names.length} names -> gaz-orgs.txt`)

