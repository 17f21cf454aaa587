#!/usr/bin/env node
// nuxt-heading-ids.mjs: heading ids as @nuxtjs/mdc makes them, for a11ypress's tests.
//
// Usage:   node nuxt-heading-ids.mjs < texts.json
//   stdin:  JSON array of heading texts, in document order (one article)
//   stdout: JSON array of ids
//
// One github-slugger per article; each slug then has its runs of '-' collapsed, one
// leading and one trailing '-' removed and '_' put before a leading digit (what
// @nuxtjs/mdc's compiler does to every h1-h6).
import GithubSlugger from 'github-slugger'

const chunks = []
for await (const c of process.stdin) chunks.push(c)
const texts = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const slugger = new GithubSlugger()
const ids = texts.map((t) => slugger.slug(t)
  .replace(/-+/g, '-')
  .replace(/^-|-$/g, '')
  .replace(/^(\d)/, '_$1'))
process.stdout.write(JSON.stringify(ids) + '\n')
