"""JSON transcripts from call recorders and speech-to-text vendors.

The readers live in :mod:`.json_gong` (Gong), :mod:`.json_aws` (Amazon
Transcribe) and :mod:`.json_asr` (AssemblyAI, Deepgram, Whisper/WhisperX);
their shared helpers are in :mod:`.records`. This module gathers them so
``from convolens.readers.jsonfmt import GongReader`` keeps working.

Detection looks only at the first 8 KB, so each signature is a key that
vendors write early (a long first array can push the telling keys out):

* Gong: ``"callTranscripts":``, or ``"speakerId":`` with ``"sentences":``, or ``"requestId":`` with ``"records":``.
* AssemblyAI: ``"audio_url":`` / ``"acoustic_model":`` / ``"speech_model":`` / ``"speaker_labels": true``.
* Amazon Transcribe: ``"jobName":`` or ``"results": {"transcripts":``.
* Deepgram: ``"metadata": {`` with ``"request_id":``/``"sha256":``/``"model_info":``, or ``"results": {"channels":``.
* Whisper / WhisperX: ``"segments":``, a first key ``"text":``, ``"task": "transcribe"``, or a list of segments.

Every time becomes float seconds (Gong and AssemblyAI write milliseconds,
Amazon Transcribe writes seconds as strings). Ids stay exact strings.
"""

from __future__ import annotations

from .json_asr import AssemblyAIReader, DeepgramReader, WhisperReader
from .json_aws import AwsTranscribeReader
from .json_gong import GongReader

__all__ = ["AssemblyAIReader", "AwsTranscribeReader", "DeepgramReader", "GongReader", "WhisperReader"]
