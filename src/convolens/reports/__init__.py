"""Reports built from a scored run: terminal tables, CSV and JSON (:mod:`.tables`) and the HTML report (:mod:`.html`).

The HTML report is split by job, dependencies pointing one way (down this list):

- :mod:`.html`: the public entry points (``render_html_report``, ``write_html_report``, ``write_manager_pages``);
- :mod:`.organisation`, :mod:`.manager`, :mod:`.cascade`: the three views;
- :mod:`.conversation`, :mod:`.yields`, :mod:`.shifts`: conversation figures, question yield and mix shifts
  from :mod:`convolens.stats`, shown in both the organisation and the manager view;
- :mod:`.page`: the page shell, CSS, CSP, footer and number formats; :mod:`.rundata`: a run read once;
- :mod:`.charts`, :mod:`.timechart`, :mod:`.svg`: inline SVG; :mod:`.coaching`: grouped questions, reframes
  and the cascade's correlations (plain data, no markup).
"""
