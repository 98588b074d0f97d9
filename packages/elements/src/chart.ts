import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit'

/** One line of a chart: its label and points `[time ms since epoch, value]`. */
export interface ChartSeries {
  label: string
  points: [number, number][]
}

/**
 * `<sb-chart>`: a time-series line chart drawn by uPlot, which is loaded on first use (a chunk
 * of its own, outside the elements' bundle). `series` (property) is one or more lines over the
 * same times; `label` names the chart for screen readers, which also get the latest values.
 */
export class SbChart extends LitElement {
  static override properties = { series: { attribute: false }, label: { type: String } }
  static override styles = css`
    :host { display: block; min-height: 180px; }
    :host([hidden]) { display: none; }
  `
  declare series: ChartSeries[]
  declare label: string
  #plot?: { destroy(): void; setSize(size: { width: number; height: number }): void }
  #resize = new ResizeObserver(() => this.#plot?.setSize({ width: this.#width(), height: 180 }))

  #width(): number {
    return Math.max(this.clientWidth || 320, 200)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    this.#resize.observe(this)
  }

  constructor() {
    super()
    this.series = []
    this.label = ''
  }

  override render() {
    const latest = this.series.map((s) => `${s.label}: ${s.points.at(-1)?.[1] ?? '–'}`).join(', ')
    return html`<div role="img" aria-label="${this.label}. ${latest}"><div id="plot"></div></div>`
  }

  override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('series')) return
    const [{ default: uPlot }, { default: uplotCss }] = await Promise.all([
      import('uplot'),
      import('uplot/dist/uPlot.min.css?inline'),
    ])
    if (this.shadowRoot && !this.shadowRoot.querySelector('style[data-uplot]')) {
      const style = document.createElement('style')
      style.dataset.uplot = ''
      style.textContent = unsafeCSS(uplotCss).cssText
      this.shadowRoot.append(style)
    }
    this.#plot?.destroy()
    const times = this.series[0]?.points.map((p) => p[0] / 1000) ?? []
    const first = times[0] ?? 0
    const last = times.at(-1) ?? 0
    const colours = ['#0b5cad', '#b3261e', '#1d6b2f', '#7a4b00', '#6b2d8f']
    const target = this.renderRoot.querySelector('#plot') as HTMLElement
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height: 180,
        series: [
          {},
          ...this.series.map((s, i) => ({ label: s.label, stroke: colours[i % colours.length], width: 2 })),
        ],
        axes: [{}, { size: 60 }],
        // one measurement alone: an hour either side rather than uPlot's years-wide default
        ...(first === last ? { scales: { x: { auto: false, range: [first - 3600, last + 3600] } } } : {}),
        legend: { show: true },
      },
      [times, ...this.series.map((s) => s.points.map((p) => p[1]))],
      target,
    )
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#resize.disconnect()
    this.#plot?.destroy()
  }
}
