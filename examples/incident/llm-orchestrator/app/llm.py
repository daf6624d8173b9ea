"""Minimal client for the Gemini generateContent endpoint."""

from __future__ import annotations

import httpx

API_URL = "https://generativelanguage.googleapis.com/v1beta/models/{model}:generateContent"


class LLMError(RuntimeError):
    pass


class GeminiClient:
    def __init__(self, api_key: str, model: str, *, timeout: float = 60.0) -> None:
        self._url = API_URL.format(model=model)
        self._http = httpx.AsyncClient(timeout=timeout, headers={"x-goog-api-key": api_key})

    async def generate(self, prompt: str, *, system: str | None = None, temperature: float = 0.2) -> str:
        body: dict[str, object] = {
            "contents": [{"role": "user", "parts": [{"text": prompt}]}],
            "generationConfig": {"temperature": temperature},
        }
        if system:
            body["systemInstruction"] = {"parts": [{"text": system}]}
        response = await self._http.post(self._url, json=body)
        if response.is_error:
            raise LLMError(f"Gemini answered {response.status_code}: {response.text[:200]}")
        candidates = response.json().get("candidates") or []
        if not candidates:
            raise LLMError("Gemini returned no candidates (blocked prompt?)")
        return "".join(part.get("text", "") for part in candidates[0]["content"]["parts"])

    async def aclose(self) -> None:
        await self._http.aclose()
