import { css } from 'lit'

/**
 * Styles every element shares. Colours come from CSS custom properties the host may set
 * (`--sb-accent`, `--sb-danger`, `--sb-ok`, `--sb-muted`, `--sb-radius`, `--sb-font`); the defaults
 * meet WCAG AA contrast on white.
 */
export const baseStyles = css`
  :host {
    display: block;
    font: 15px/1.45 var(--sb-font, system-ui, 'DejaVu Sans', sans-serif);
    color: #1b1b1f;
    --accent: var(--sb-accent, #0b5cad);
    --danger: var(--sb-danger, #b3261e);
    --ok: var(--sb-ok, #1d6b2f);
    --muted: var(--sb-muted, #55575e);
    --radius: var(--sb-radius, 8px);
  }
  :host([hidden]) { display: none; }
  *, *::before, *::after { box-sizing: border-box; }
  h2 { font-size: 1.15rem; margin: 0 0 0.75rem; }
  h3 { font-size: 1rem; margin: 0.75rem 0 0.5rem; }
  button {
    font: inherit; border-radius: var(--radius); border: 1px solid var(--accent);
    background: var(--accent); color: #fff; padding: 0.4rem 0.9rem; cursor: pointer; min-height: 2.25rem;
  }
  button.secondary { background: #fff; color: var(--accent); }
  button.danger { background: var(--danger); border-color: var(--danger); }
  button:disabled { background: #e4e4e8; border-color: #c4c4cc; color: #55575e; cursor: not-allowed; }
  button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, a:focus-visible {
    outline: 3px solid #f5a524; outline-offset: 2px;
  }
  input, select, textarea { font: inherit; padding: 0.35rem 0.5rem; border: 1px solid #8a8c94; border-radius: 6px; }
  .muted { color: var(--muted); font-size: 0.9em; }
  .error { color: var(--danger); }
  .ok { color: var(--ok); }
  .card { border: 1px solid #d5d6db; border-radius: var(--radius); padding: 1rem; background: #fff; }
  .row { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
  .badge { display: inline-block; border-radius: 999px; padding: 0.05rem 0.6rem; font-size: 0.85em; border: 1px solid currentColor; }
  .badge.active, .badge.published { color: var(--ok); }
  .badge.reauth_required, .badge.processing, .badge.uploading, .badge.queued, .badge.sent_to_inbox { color: #7a4b00; }
  .badge.revoked, .badge.disconnected, .badge.failed { color: var(--danger); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
