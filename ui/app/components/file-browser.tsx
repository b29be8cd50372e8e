// The working copy's files as a folder tree of links, and the chosen file with line numbers (a line asked for, e.g.
// from a verify finding, is marked and scrolled to).
import { useEffect, useRef } from 'preact/hooks';
import type { FileContent, FileTreeResponse } from '../../shared/api.js';
import { withQuery } from '../api.js';
import { formatBytes } from '../format.js';
import { href } from '../router.js';
import { useFetch } from '../use-fetch.js';

interface Folder {
  folders: Map<string, Folder>;
  files: { name: string; path: string; size: number }[];
}

function folderTree(files: FileTreeResponse['files']): Folder {
  const root: Folder = { folders: new Map(), files: [] };
  for (const file of files) {
    const parts = file.path.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.get(part);
      if (!next) {
        next = { folders: new Map(), files: [] };
        folder.folders.set(part, next);
      }
      folder = next;
    }
    folder.files.push({ name: parts.at(-1) ?? file.path, path: file.path, size: file.size });
  }
  return root;
}

function FolderList({ folder, brief, selected }: { folder: Folder; brief: string; selected?: string }) {
  return (
    <ul>
      {[...folder.folders].map(([name, child]) => (
        <li key={`d:${name}`}>
          <details open={selected?.includes(`${name}/`) ?? false}>
            <summary>{name}/</summary>
            <FolderList folder={child} brief={brief} selected={selected} />
          </details>
        </li>
      ))}
      {folder.files.map((file) => (
        <li key={file.path}>
          <a
            href={href('outputs', { brief, tab: 'files', file: file.path })}
            aria-current={selected === file.path ? 'true' : undefined}
            title={formatBytes(file.size)}
          >
            {file.name}
          </a>
        </li>
      ))}
    </ul>
  );
}

function FileView({ brief, path, line }: { brief: string; path: string; line?: number }) {
  const file = useFetch<FileContent>(withQuery(`/api/outputs/${encodeURIComponent(brief)}/file`, { path }));
  const marked = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    marked.current?.scrollIntoView({ block: 'center' });
  }, [file.data, line]);
  if (file.error) return <p class="error">{file.error.message}</p>;
  if (!file.data) return <p class="muted">Loading {path}…</p>;
  if (file.data.binary)
    return (
      <p>
        {path} is a binary file ({formatBytes(file.data.size)}).
      </p>
    );
  const lines = (file.data.text ?? '').split('\n');
  return (
    <figure class="file-view">
      <figcaption>
        {path} · {formatBytes(file.data.size)}
        {file.data.truncated ? ' (first 1 MB shown)' : ''}
      </figcaption>
      <pre>
        {lines.map((text, index) => {
          const number = index + 1;
          const isMarked = number === line;
          return (
            <span key={index} class={isMarked ? 'line marked' : 'line'} ref={isMarked ? marked : undefined}>
              <span class="ln" aria-hidden="true">
                {number}
              </span>
              {text}
              {'\n'}
            </span>
          );
        })}
      </pre>
    </figure>
  );
}

export function FileBrowser({ brief, file, line }: { brief: string; file?: string; line?: number }) {
  const tree = useFetch<FileTreeResponse>(`/api/outputs/${encodeURIComponent(brief)}/files`);
  if (tree.error) return <p class="error">{tree.error.message}</p>;
  if (!tree.data) return <p class="muted">Loading the working copy…</p>;
  if (!tree.data.exists) {
    return <p>No working copy yet at {tree.data.root}: run the brief's generate stage to write it.</p>;
  }
  return (
    <div class="files">
      <nav class="tree" aria-label={`Files of ${tree.data.root}`}>
        <p class="muted">
          {tree.data.root}/ · {tree.data.files.length} files
          {tree.data.truncated ? ` (${tree.data.truncated} more not listed)` : ''}
        </p>
        <FolderList folder={folderTree(tree.data.files)} brief={brief} selected={file} />
      </nav>
      <div class="viewer">
        {file ? <FileView brief={brief} path={file} line={line} /> : <p class="muted">Pick a file.</p>}
      </div>
    </div>
  );
}
