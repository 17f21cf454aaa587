#!/usr/bin/env node
// mdc-outline.mjs — reference outline of MDC documents, produced by remark-mdc.
//
// Test-only tool for a11ypress's differential tests (the product never needs Node).
//
// Usage:   node mdc-outline.mjs [--raw] [--frontmatter] [--timeout=MS] < docs.json
//   stdin:  JSON array of strings (MDC documents)
//   stdout: JSON array, one entry per document: a list of normalised top-level nodes
//           (or, with --raw, the raw mdast tree minus `position`).
//
// --timeout=MS runs documents in a worker thread and reports {"error":"timeout"} for a
// document that takes longer (remark-mdc 3.11.1 loops forever on some inputs).
// A document that throws gives {"error": message}.
//
// Pipeline: unified().use(remarkParse).use(remarkMdc).use(remarkGfm), then the
// processor's transformers are run (remark-mdc's transformer is what parses a
// component's YAML props block into `fmAttributes`).
//
// remark-mdc does NOT handle document front matter: `---\ntitle: x\n---` at byte 0
// parses as a thematicBreak + setext heading. @nuxtjs/mdc strips front matter with
// remark-mdc's exported parseFrontMatter() before parsing; callers should strip it
// (or use --frontmatter, which does exactly that and emits a {"t":"frontmatter"}
// first node holding the data).
//
// Normalised node shapes ("t" = type; keys in every object sorted; no positions):
//   {"t":"component","name","props",children}          containerComponent (`::name`)
//       props = {...inline {attrs}, ...YAML props block}   (YAML wins, YAML types kept)
//       children: default-slot content, then {"t":"slot","name","props",children}
//       A block `[label]`'s inline content comes first in children, NOT wrapped in a
//       paragraph (remark-mdc flattens its label paragraph); note remark-mdc also
//       drops a `{props}` that follows `[label]` on a block opener.
//       Default-slot content stays in source order around named slots.
//   {"t":"inline-component","name","props",children}   textComponent (`:name`)
//   {"t":"span","props",children}                      `[text]{...}` (= textComponent "span";
//                                                      `:span[x]` looks identical)
//   {"t":"binding","value","default"}                  `{{ value || 'default' }}`
//   {"t":"heading","depth",children} {"t":"paragraph",children} {"t":"blockquote",children}
//   {"t":"list","ordered","start"?,"spread",children}  start only when ordered
//   {"t":"listItem","checked": true|false|null,"spread",children}
//   {"t":"code","lang","filename","highlights","meta","v"}
//       lang/filename/highlights/meta are derived from the info string exactly as
//       @nuxtjs/mdc's parseThematicBlock does; also "info": raw info string.
//   {"t":"table","align",children} {"t":"tableRow",children} {"t":"tableCell",children}
//   {"t":"thematicBreak"} {"t":"break"} {"t":"text","v"} {"t":"inlineCode","v"}
//   {"t":"emphasis"|"strong"|"delete",children}
//   {"t":"link","url","title",children}  (linkReference is resolved to link, +"ref":true)
//   {"t":"image","url","alt","title"}    (imageReference is resolved to image, +"ref":true)
//   {"t":"html","v"} {"t":"footnoteReference","id"} {"t":"footnoteDefinition","id",children}
//   definition nodes are dropped (they render nothing; references are resolved).
//   Any native node carrying remark-mdc `attributes` (e.g. `**b**{.x}`) gets "props".
//   Unknown node types: {"t":type, "v"?: value, children?}.
// Adjacent text nodes are merged; empty text nodes are dropped.

import { unified } from 'unified'
import remarkParse from 'remark-parse'
import remarkMdc, { parseFrontMatter } from 'remark-mdc'
import remarkGfm from 'remark-gfm'
import { Worker, isMainThread, parentPort } from 'node:worker_threads'

const args = new Set(process.argv.slice(2))
const RAW = args.has('--raw')
const FRONTMATTER = args.has('--frontmatter')
const TIMEOUT_MS = Number((process.argv.slice(2).find(a => a.startsWith('--timeout=')) || '--timeout=0').slice(10))

function readStdin () {
  return new Promise((resolve, reject) => {
    const chunks = []
    process.stdin.on('data', c => chunks.push(c))
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    process.stdin.on('error', reject)
  })
}

// Deterministic JSON: sort object keys recursively.
function sortKeys (v) {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const out = {}
    for (const k of Object.keys(v).sort()) {
      if (v[k] !== undefined) out[k] = sortKeys(v[k])
    }
    return out
  }
  return v
}

// --- @nuxtjs/mdc's parseThematicBlock (src/runtime/parser/handlers/utils.ts) ---
function parseHighlightedLines (lines) {
  const lineArray = String(lines || '')
    .split(',')
    .filter(Boolean)
    .flatMap((line) => {
      const [start, end] = line.trim().split('-').map(a => Number(a.trim()))
      return Array.from({ length: (end || start) - start + 1 }).map((_, i) => start + i)
    })
  return lineArray.length ? lineArray : undefined
}
function parseThematicBlock (lang) {
  if (!lang?.trim()) {
    return { language: undefined, highlights: undefined, filename: undefined, meta: undefined }
  }
  const languageMatches = lang.replace(/[{|[](.+)/, '').match(/^[^ \t]+(?=[ \t]|$)/)
  const highlightTokensMatches = lang.match(/\{([^}]*)\}/)
  const filenameMatches = lang.match(/\[(.*)\]/)
  const meta = lang
    .replace(languageMatches?.[0] ?? '', '')
    .replace(highlightTokensMatches?.[0] ?? '', '')
    .replace(filenameMatches?.[0] ?? '', '')
    .trim()
  let filename
  if (filenameMatches?.[1]) {
    filename = filenameMatches[1].replace(/\\([[\]{}().*+?^$|])/g, '$1')
  }
  return {
    language: languageMatches?.[0] || undefined,
    highlights: parseHighlightedLines(highlightTokensMatches?.[1] || undefined),
    filename,
    meta
  }
}

function hasKeys (o) {
  return o && typeof o === 'object' && Object.keys(o).length > 0
}

function collectDefinitions (tree) {
  const defs = new Map()
  const walk = (n) => {
    if (n.type === 'definition' && !defs.has(n.identifier)) defs.set(n.identifier, n)
    if (Array.isArray(n.children)) n.children.forEach(walk)
  }
  walk(tree)
  return defs
}

function normaliseChildren (children, ctx) {
  const out = []
  for (const child of children || []) {
    const n = normalise(child, ctx)
    if (n === null) continue
    const list = Array.isArray(n) ? n : [n]
    for (const item of list) {
      if (item.t === 'text') {
        if (item.v === '') continue
        const prev = out[out.length - 1]
        if (prev && prev.t === 'text') { prev.v += item.v; continue }
      }
      out.push(item)
    }
  }
  return out
}

function withProps (obj, node) {
  if (hasKeys(node.attributes)) obj.props = { ...node.attributes }
  return obj
}

function normalise (node, ctx) {
  const kids = () => normaliseChildren(node.children, ctx)
  switch (node.type) {
    case 'containerComponent':
      return {
        t: 'component',
        name: node.name,
        props: { ...(node.attributes || {}), ...(node.fmAttributes || {}) },
        children: kids()
      }
    case 'componentContainerSection':
      return { t: 'slot', name: node.name, props: { ...(node.attributes || {}) }, children: kids() }
    case 'textComponent':
      // `{{ expr }}` bindings are entered without a children array.
      if (node.name === 'binding' && !Array.isArray(node.children)) {
        return { t: 'binding', value: node.attributes?.value ?? null, default: node.attributes?.defaultValue ?? null }
      }
      if (node.name === 'span') return { t: 'span', props: { ...(node.attributes || {}) }, children: kids() }
      return { t: 'inline-component', name: node.name, props: { ...(node.attributes || {}) }, children: kids() }
    case 'leafComponent':
      return { t: 'leaf-component', name: node.name, props: { ...(node.attributes || {}) }, children: kids() }
    case 'heading':
      return withProps({ t: 'heading', depth: node.depth, children: kids() }, node)
    case 'paragraph': {
      const o = { t: 'paragraph', children: kids() }
      if (node.data?.componentLabel) o.label = true
      return withProps(o, node)
    }
    case 'list': {
      const o = { t: 'list', ordered: !!node.ordered, spread: !!node.spread, children: kids() }
      if (node.ordered) o.start = node.start ?? 1
      return withProps(o, node)
    }
    case 'listItem':
      return withProps({ t: 'listItem', checked: node.checked ?? null, spread: !!node.spread, children: kids() }, node)
    case 'blockquote':
      return withProps({ t: 'blockquote', children: kids() }, node)
    case 'code': {
      const info = ((node.lang || '') + ' ' + (node.meta || ''))
      const p = parseThematicBlock(info)
      return withProps({
        t: 'code',
        info: info.trim() || null,
        lang: p.language ?? null,
        filename: p.filename ?? null,
        highlights: p.highlights ?? null,
        meta: p.meta || null,
        v: node.value
      }, node)
    }
    case 'table':
      return withProps({ t: 'table', align: node.align || [], children: kids() }, node)
    case 'tableRow':
      return { t: 'tableRow', children: kids() }
    case 'tableCell':
      return { t: 'tableCell', children: kids() }
    case 'thematicBreak':
      return { t: 'thematicBreak' }
    case 'break':
      return { t: 'break' }
    case 'text':
      return { t: 'text', v: node.value }
    case 'inlineCode':
      return withProps({ t: 'inlineCode', v: node.value }, node)
    case 'emphasis':
    case 'strong':
    case 'delete':
      return withProps({ t: node.type, children: kids() }, node)
    case 'link':
      return withProps({ t: 'link', url: node.url, title: node.title ?? null, children: kids() }, node)
    case 'image':
      return withProps({ t: 'image', url: node.url, alt: node.alt ?? null, title: node.title ?? null }, node)
    case 'linkReference': {
      const def = ctx.defs.get(node.identifier)
      if (!def) return withProps({ t: 'linkReference', id: node.identifier, children: kids() }, node)
      return withProps({ t: 'link', ref: true, url: def.url, title: def.title ?? null, children: kids() }, node)
    }
    case 'imageReference': {
      const def = ctx.defs.get(node.identifier)
      if (!def) return withProps({ t: 'imageReference', id: node.identifier, alt: node.alt ?? null }, node)
      return withProps({ t: 'image', ref: true, url: def.url, alt: node.alt ?? null, title: def.title ?? null }, node)
    }
    case 'definition':
      return null
    case 'html':
      return { t: 'html', v: node.value }
    case 'footnoteReference':
      return { t: 'footnoteReference', id: node.identifier }
    case 'footnoteDefinition':
      return { t: 'footnoteDefinition', id: node.identifier, children: kids() }
    default: {
      const o = { t: node.type }
      if (node.value !== undefined) o.v = node.value
      if (Array.isArray(node.children)) o.children = kids()
      return withProps(o, node)
    }
  }
}

function stripPositions (tree) {
  return JSON.parse(JSON.stringify(tree, (k, v) => (k === 'position' ? undefined : v)))
}

const processor = unified().use(remarkParse).use(remarkMdc).use(remarkGfm)

function outline (doc) {
  let content = doc
  let front = null
  if (FRONTMATTER) {
    const r = parseFrontMatter(doc)
    content = r.content
    front = r.data
  }
  const tree = processor.runSync(processor.parse(content))
  if (RAW) return stripPositions(tree)
  const ctx = { defs: collectDefinitions(tree) }
  const nodes = normaliseChildren(tree.children, ctx)
  if (FRONTMATTER && content !== doc) nodes.unshift({ t: 'frontmatter', data: front })
  return nodes
}

function outlineSafe (doc) {
  if (typeof doc !== 'string') return { error: 'not a string' }
  try {
    return outline(doc)
  } catch (err) {
    return { error: String((err && err.message) || err) }
  }
}

if (!isMainThread) {
  // Worker: outline one document per message.
  parentPort.on('message', (doc) => parentPort.postMessage(outlineSafe(doc)))
} else {
  const input = JSON.parse(await readStdin())
  if (!Array.isArray(input)) {
    process.stderr.write('stdin must be a JSON array of strings\n')
    process.exit(2)
  }
  let result
  if (TIMEOUT_MS > 0) {
    // remark-mdc can loop forever on some inputs; run documents in a worker and
    // replace it when one takes longer than TIMEOUT_MS ({"error":"timeout"}).
    result = []
    let worker = null
    const spawn = () => new Worker(new URL(import.meta.url), { argv: process.argv.slice(2) })
    for (const doc of input) {
      if (!worker) worker = spawn()
      const w = worker
      const r = await new Promise((resolve) => {
        const done = (value) => {
          clearTimeout(timer)
          w.removeAllListeners('message')
          w.removeAllListeners('error')
          w.removeAllListeners('exit')
          resolve(value)
        }
        const timer = setTimeout(() => done({ dead: true, error: 'timeout' }), TIMEOUT_MS)
        w.on('message', (m) => done({ value: m }))
        w.on('error', (e) => done({ dead: true, error: 'worker error: ' + String((e && e.message) || e) }))
        w.on('exit', (code) => done({ dead: true, error: 'worker exited: ' + code }))
        w.postMessage(doc)
      })
      if (r.dead) {
        await w.terminate()
        worker = null
        result.push({ error: r.error })
      } else {
        result.push(r.value)
      }
    }
    if (worker) await worker.terminate()
  } else {
    result = input.map(outlineSafe)
  }
  process.stdout.write(JSON.stringify(sortKeys(result)) + '\n')
}
