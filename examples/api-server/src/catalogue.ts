import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A product of the example catalogue. */
export interface Product {
  id: string;
  name: string;
  category: string;
  tags: string[];
  price: number;
  stock: number;
}

/**
 * The example's "database": a bundled JSON file behind an artificial delay, so that the
 * cache in front of it visibly matters. Writes stay in memory.
 */
export class Catalogue {
  readonly #products = new Map<string, Product>();
  readonly #delayMs: number;
  /** How many times the slow source was read (the cache keeps this low). */
  reads = 0;

  constructor(products: Product[], delayMs: number) {
    for (const product of products) this.#products.set(product.id, product);
    this.#delayMs = delayMs;
  }

  /** Loads the bundled data file. */
  static async load(delayMs: number): Promise<Catalogue> {
    const file = new URL('../data/products.json', import.meta.url);
    return new Catalogue(JSON.parse(await readFile(file, 'utf8')) as Product[], delayMs);
  }

  /** One product, or `undefined`, after the delay. */
  async get(id: string): Promise<Product | undefined> {
    await this.#slow();
    return this.#products.get(id);
  }

  /** Products with `tag` (all without one), after the delay. */
  async list(tag?: string): Promise<Product[]> {
    await this.#slow();
    const all = [...this.#products.values()];
    return tag ? all.filter((product) => product.tags.includes(tag)) : all;
  }

  /** The categories and how many products each has. */
  async categories(): Promise<Record<string, number>> {
    await this.#slow();
    const counts: Record<string, number> = {};
    for (const { category } of this.#products.values())
      counts[category] = (counts[category] ?? 0) + 1;
    return counts;
  }

  /** Updates a product; resolves with the new version, or `undefined` when there is none. */
  async update(id: string, changes: Partial<Omit<Product, 'id'>>): Promise<Product | undefined> {
    await this.#slow();
    const current = this.#products.get(id);
    if (!current) return undefined;
    const next = { ...current, ...changes, id };
    this.#products.set(id, next);
    return next;
  }

  async #slow(): Promise<void> {
    this.reads++;
    await sleep(this.#delayMs);
  }
}
