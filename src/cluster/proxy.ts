// The partitions of `cluster test`: a TCP proxy per directed link between two nodes (the nodes
// send through it: ClusterConfig.links), which the nemesis cuts and heals. A cut link drops its
// connections and refuses new ones, so the sender's transport sees a peer that is down and keeps
// retrying, as it would across a real partition.

import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { NodeId } from '../host/types.ts';
import type { ClusterConfig } from './config.ts';

interface Link {
  readonly server: Server;
  readonly sockets: Set<Socket>;
  cut: boolean;
}

export class LinkProxies {
  private readonly links = new Map<string, Link>();

  private constructor(private readonly config: ClusterConfig) {}

  static async open(config: ClusterConfig): Promise<LinkProxies> {
    const proxies = new LinkProxies(config);
    for (const [link, port] of Object.entries(config.links ?? {})) await proxies.listen(link, port);
    return proxies;
  }

  private listen(link: string, port: number): Promise<void> {
    const to = link.split('|')[1];
    const target = this.config.nodes.find((n) => n.id === to)!.peerPort;
    const sockets = new Set<Socket>();
    const server = createServer((inbound) => {
      const state = this.links.get(link)!;
      if (state.cut) return void inbound.destroy();
      const outbound = createConnection({ host: this.config.host, port: target });
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        // As the nodes' own sockets: a small message leaves at once (Nagle's wait would add to every hop).
        s.setNoDelay(true);
        s.on('error', () => {});
        s.on('close', () => {
          sockets.delete(s);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
    this.links.set(link, { server, sockets, cut: false });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.host, () => resolve());
    });
  }

  /** Cut every link between the two sides, both ways. */
  partition(side: readonly NodeId[], other: readonly NodeId[]): void {
    for (const a of side) for (const b of other) for (const link of [`${a}|${b}`, `${b}|${a}`]) this.setCut(link, true);
  }

  heal(): void {
    for (const link of this.links.keys()) this.setCut(link, false);
  }

  private setCut(link: string, cut: boolean): void {
    const l = this.links.get(link);
    if (l === undefined) return;
    l.cut = cut;
    if (cut) for (const s of l.sockets) s.destroy();
  }

  close(): Promise<void> {
    return Promise.all(
      [...this.links.values()].map(
        (l) =>
          new Promise<void>((resolve) => {
            for (const s of l.sockets) s.destroy();
            l.server.close(() => resolve());
          }),
      ),
    ).then(() => undefined);
  }
}
