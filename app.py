"""Beijing Exchange Map: the Streamlit page (``streamlit run app.py``). The layout is ``ui/page.py``.

Streamlit runs this file as ``__main__`` on every rerun. A worker process (an import, a render) started by
multiprocessing's forkserver re-runs its parent's main module under the name ``__mp_main__``: the guard below
(multiprocessing's documented idiom) keeps it from building a page, or even importing the UI, in every worker.
"""

if __name__ == "__main__":
    from ui.page import run

    run()
